/** WhatsApp markup ↔ Matrix HTML, including hostile remote text (DESIGN §8: escape first). */
import { matrixHtmlToWhatsApp, whatsappToMatrix } from '../../../bridges/whatsapp/formatting';

const BOB = { token: '3798765432', name: 'Bob <the builder>', userId: '@whatsapp_3798765432:hs' };

describe('WhatsApp → Matrix', () => {
  it('renders bold, italic, strike, monospace and inline code', () => {
    const { text, html } = whatsappToMatrix('*bold* _it_ ~gone~ ```mono``` `code` plain');
    expect(text).toBe('*bold* _it_ ~gone~ ```mono``` `code` plain');
    expect(html).toBe(
      '<strong>bold</strong> <em>it</em> <del>gone</del> <code>mono</code> <code>code</code> plain',
    );
  });

  it('leaves plain text without HTML, and markers inside words or with inner spaces alone', () => {
    expect(whatsappToMatrix('just text')).toEqual({ text: 'just text' });
    expect(whatsappToMatrix('snake_case_name and 2*3*4 and * not bold *')).toEqual({
      text: 'snake_case_name and 2*3*4 and * not bold *',
    });
  });

  it('escapes remote HTML before adding its own tags', () => {
    const { html } = whatsappToMatrix('<script>alert(1)</script> *<b>x</b>* & "q"');
    expect(html).toBe(
      '&lt;script&gt;alert(1)&lt;/script&gt; <strong>&lt;b&gt;x&lt;/b&gt;</strong> &amp; &quot;q&quot;',
    );
  });

  it('keeps formatting out of code blocks and keeps their lines', () => {
    const { html } = whatsappToMatrix('before\n```\n*not bold*\n<tag>\n```\nafter');
    expect(html).toBe('before<br><pre><code>\n*not bold*\n&lt;tag&gt;\n</code></pre><br>after');
  });

  it('turns quotes into blockquotes and newlines into <br>', () => {
    const { html } = whatsappToMatrix('> quoted *line*\nanswer');
    expect(html).toBe('<blockquote>quoted <strong>line</strong></blockquote>answer');
  });

  it('turns @number mentions into pills with the escaped name', () => {
    const { text, html } = whatsappToMatrix('hi @3798765432 and @1111111', [BOB]);
    expect(text).toBe('hi Bob <the builder> and @1111111');
    expect(html).toBe(
      'hi <a href="https://matrix.to/#/%40whatsapp_3798765432%3Ahs">Bob &lt;the builder&gt;</a> and @1111111',
    );
  });
});

describe('Matrix → WhatsApp', () => {
  const resolve = (userId: string) =>
    userId === '@whatsapp_3798765432:hs' ? { token: '3798765432', jid: '3798765432@c.us' } : null;

  it('maps tags to WhatsApp markers', () => {
    const { text } = matrixHtmlToWhatsApp(
      '<strong>bold</strong> <em>it</em> <del>gone</del> <code>x</code> a&amp;b',
      resolve,
    );
    expect(text).toBe('*bold* _it_ ~gone~ ```x``` a&b');
  });

  it('keeps blocks, lists, quotes and code blocks readable', () => {
    const { text } = matrixHtmlToWhatsApp(
      '<p>one</p><p>two<br>three</p><ul><li>a</li><li>b</li></ul><blockquote>q1<br>q2</blockquote><pre><code>x = 1\n</code></pre>',
      resolve,
    );
    expect(text).toBe('one\n\ntwo\nthree\n\n- a\n- b\n\n> q1\n> q2\n\n```x = 1```');
  });

  it('turns ghost pills into @number mentions and other links into text (url)', () => {
    const { text, mentions } = matrixHtmlToWhatsApp(
      'hey <a href="https://matrix.to/#/@whatsapp_3798765432:hs">Bob</a>, <a href="https://matrix.to/#/@dana:hs">Dana</a>: <a href="https://example.org">site</a>',
      resolve,
    );
    expect(text).toBe('hey @3798765432, Dana: site (https://example.org)');
    expect(mentions).toEqual(['3798765432@c.us']);
  });
});
