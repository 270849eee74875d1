import { ircToMatrix, parseIrc, stripFormatting } from '../../../bridges/irc/formatting';
import { htmlToIrc, nearestColour } from '../../../bridges/irc/html-to-irc';

const none = () => undefined;

describe('IRC → Matrix formatting', () => {
  it('leaves plain text plain (no HTML)', () => {
    expect(ircToMatrix('hello <world> & you', none)).toEqual({ text: 'hello <world> & you', mentions: [] });
  });

  it('turns bold, italic, underline, strikethrough and monospace into HTML, escaping the text first', () => {
    const r = ircToMatrix('\x02bold\x02 \x1Dit\x1D \x1Fu\x1F \x1Es\x1E \x11<code>\x11', none);
    expect(r.text).toBe('bold it u s <code>');
    expect(r.html).toBe('<strong>bold</strong> <em>it</em> <u>u</u> <del>s</del> <code>&lt;code&gt;</code>');
  });

  it('maps mIRC colours (and hex colours) to data-mx-color and resets on \\x0F and bare \\x03', () => {
    const r = ircToMatrix('\x0304,01red\x03 plain \x02\x04ff8800x\x0F done', none);
    expect(r.html).toBe(
      '<font data-mx-color="#ff0000" data-mx-bg-color="#000000">red</font> plain <strong><font data-mx-color="#ff8800">x</font></strong> done',
    );
    expect(r.text).toBe('red plain x done');
  });

  it('escapes hostile markup even inside formatting', () => {
    const r = ircToMatrix('\x02<script>alert(1)</script>\x02 <img src=x onerror=y>', none);
    expect(r.html).not.toContain('<script');
    expect(r.html).not.toContain('<img');
    expect(r.html).toContain('&lt;script&gt;');
  });

  it('turns known nicks into pills and lists them as mentions', () => {
    const lookup = (w: string) =>
      w === 'alice'
        ? { userId: '@irc_t_alice:hs', mention: 't_alice' }
        : w === 'dana[m]'
          ? { userId: '@dana:hs', mention: '@dana:hs' }
          : undefined;
    const r = ircToMatrix('alice: ask dana[m], not bob', lookup);
    expect(r.text).toBe('alice: ask dana[m], not bob');
    expect(r.mentions).toEqual(['t_alice', '@dana:hs']);
    expect(r.html).toBe(
      '<a href="https://matrix.to/#/%40irc_t_alice%3Ahs">alice</a>: ask <a href="https://matrix.to/#/%40dana%3Ahs">dana[m]</a>, not bob',
    );
  });

  it('drops other control characters and strips formatting for topics', () => {
    expect(
      parseIrc('a\x16b\x07c')
        .map((s) => s.text)
        .join(''),
    ).toBe('abc');
    expect(stripFormatting('\x0312blue\x03 \x02b')).toBe('blue b');
  });
});

describe('Matrix HTML → IRC formatting', () => {
  const pills = (userId: string) => (userId === '@irc_t_alice:hs' ? 'Alice' : undefined);

  it('turns inline formatting into control codes', () => {
    expect(htmlToIrc('<strong>b</strong> <em>i</em> <u>u</u> <del>s</del> <code>c</code>', pills)).toBe(
      '\x02b\x02 \x1Di\x1D \x1Fu\x1F \x1Es\x1E \x11c\x11',
    );
  });

  it('does not toggle twice for nested tags of one style', () => {
    expect(htmlToIrc('<b>a <strong>b</strong> c</b>', pills)).toBe('\x02a b c\x02');
  });

  it('writes pills as IRC nicks, other pills as their text, and links with their URL', () => {
    const html =
      '<a href="https://matrix.to/#/@irc_t_alice:hs">Alice (IRC)</a>: see <a href="https://example.org/x">this</a>, <a href="https://matrix.to/#/@bob:hs">Bob</a> and https://a.b';
    expect(htmlToIrc(html, pills)).toBe('Alice: see this (https://example.org/x), Bob and https://a.b');
  });

  it('turns blocks, lists, quotes and code blocks into lines', () => {
    const html =
      '<p>one</p><blockquote>quoted<br>twice</blockquote><ul><li>a</li><li>b</li></ul><ol start="3"><li>c</li></ol><pre><code>x = 1\ny = 2</code></pre>';
    expect(htmlToIrc(html, pills).split('\n')).toEqual([
      'one',
      '> quoted',
      '> twice',
      '• a',
      '• b',
      '3. c',
      '\x11x = 1',
      '\x11y = 2',
    ]);
  });

  it('maps colours to the nearest mIRC colour and restores the outer one', () => {
    expect(nearestColour('#fe0101')).toBe('04');
    expect(
      htmlToIrc('<font data-mx-color="#ff0000">r<font data-mx-color="#0000fc">b</font>r</font>x', pills),
    ).toBe('\x0304r\x0312b\x0304r\x03x');
  });

  it('drops a reply fallback and decodes entities', () => {
    expect(htmlToIrc('<mx-reply><blockquote>old</blockquote></mx-reply>a &amp; b &lt;c&gt;', pills)).toBe(
      'a & b <c>',
    );
  });
});
