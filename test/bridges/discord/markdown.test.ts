/**
 * Discord markdown → Matrix HTML and plain text. The hostile cases fail on a naive converter
 * (regex replacement of markers on unescaped text, or links copied without a scheme check).
 */
import { parseDiscordMarkdown } from '../../../bridges/discord/markdown';
import {
  collectIds,
  hasFormatting,
  renderHtml,
  renderPlain,
  type RenderNames,
} from '../../../bridges/discord/markdown-render';

const names: RenderNames = {
  user: (id) =>
    id === '111'
      ? { name: 'Ally', mxid: '@discord_111:example.org' }
      : id === '666'
        ? { name: '<img src=x onerror=alert(1)>', mxid: '@discord_666:example.org' }
        : { name: `unknown-${id}` },
  channel: (id) =>
    id === '222' ? { name: 'general', href: 'https://matrix.to/#/!room:example.org' } : { name: `c${id}` },
  role: (id) => (id === '333' ? 'Mods <b>' : 'role'),
};
const html = (s: string) => renderHtml(parseDiscordMarkdown(s), names);
const plain = (s: string) => renderPlain(parseDiscordMarkdown(s), names);

describe('Discord markdown → Matrix HTML', () => {
  it.each([
    ['**bold**', '<strong>bold</strong>'],
    ['*it* and _it_', '<em>it</em> and <em>it</em>'],
    ['__under__', '<u>under</u>'],
    ['~~gone~~', '<del>gone</del>'],
    ['||secret||', '<span data-mx-spoiler>secret</span>'],
    ['***both***', '<strong><em>both</em></strong>'],
    ['`a <b> c`', '<code>a &lt;b&gt; c</code>'],
    ['snake_case_name', 'snake_case_name'],
    ['\\*not italic\\*', '*not italic*'],
    ['line1\nline2', 'line1<br>line2'],
    ['[site](https://example.org/a_b)', '<a href="https://example.org/a_b">site</a>'],
    [
      'see https://example.org/x_y_z.',
      'see <a href="https://example.org/x_y_z">https://example.org/x_y_z</a>.',
    ],
    ['<https://example.org>', '<a href="https://example.org">https://example.org</a>'],
    ['# Title', '<h1>Title</h1>'],
    ['-# small print', '<sub>small print</sub>'],
    ['- one\n- two', '<ul><li>one</li><li>two</li></ul>'],
    ['3. c\n4. d', '<ol start="3"><li>c</li><li>d</li></ol>'],
    ['> quoted\n> more\nafter', '<blockquote>quoted<br>more</blockquote>after'],
    ['>>> all\nof this', '<blockquote>all<br>of this</blockquote>'],
  ])('%j', (input, expected) => {
    expect(html(input)).toBe(expected);
  });

  it('keeps code blocks verbatim, with their language, across lines', () => {
    expect(html('```ts\nconst a = **b**;\n> not a quote\n```')).toBe(
      '<pre><code class="language-ts">const a = **b**;\n&gt; not a quote</code></pre>',
    );
    expect(html('```\n<script>\n```')).toBe('<pre><code>&lt;script&gt;</code></pre>');
  });

  it('turns mentions into pills, channels into links, roles and emoji into text', () => {
    expect(html('hi <@111> and <@!111>')).toBe(
      'hi <a href="https://matrix.to/#/%40discord_111%3Aexample.org">Ally</a> and <a href="https://matrix.to/#/%40discord_111%3Aexample.org">Ally</a>',
    );
    expect(html('in <#222> / <#9>')).toBe(
      'in <a href="https://matrix.to/#/!room:example.org">#general</a> / #c9',
    );
    expect(html('<@&333> <:blob:123> <a:dance:456>')).toBe('@Mods &lt;b&gt; :blob: :dance:');
    expect(html('<t:0:D> </deploy:42>')).toBe('1970-01-01 <code>/deploy</code>');
    expect(collectIds(parseDiscordMarkdown('**<@111>** <#222> <@&333>'))).toEqual({
      users: new Set(['111']),
      channels: new Set(['222']),
      roles: new Set(['333']),
      emojis: new Map(),
    });
  });

  it('shows uploaded custom emoji as images, and anything but a plain mxc URI as text', () => {
    const withEmoji = (mxc: string | undefined) => ({ ...names, emoji: () => mxc });
    const nodes = parseDiscordMarkdown('<a:dance:456>');
    expect(collectIds(nodes).emojis).toEqual(new Map([['456', true]]));
    expect(renderHtml(nodes, withEmoji('mxc://example.org/abc'))).toBe(
      '<img data-mx-emoticon src="mxc://example.org/abc" alt=":dance:" title=":dance:" height="32">',
    );
    for (const bad of ['https://evil.example/x.png', 'mxc://example.org/a"onerror="x', undefined])
      expect(renderHtml(nodes, withEmoji(bad))).toBe(':dance:');
  });

  it('writes a readable plain body', () => {
    expect(plain('**hi** <@111>, see [docs](https://x.org) in <#222>')).toBe(
      'hi @Ally, see docs (https://x.org) in #general',
    );
    expect(plain('> a\n> b\nc')).toBe('> a\n> b\nc');
    expect(plain('- x\n- y')).toBe('- x\n- y');
    expect(hasFormatting(parseDiscordMarkdown('just text\nand lines'))).toBe(false);
    expect(hasFormatting(parseDiscordMarkdown('a *b*'))).toBe(true);
  });
});

describe('Discord markdown → HTML, hostile input', () => {
  it('escapes raw HTML everywhere, including inside formatting and names', () => {
    const out = html('<script>alert(1)</script> **<img src=x onerror=alert(1)>** <@666> <@&333>');
    expect(out).not.toMatch(/<script|<img|<b>/);
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).toContain('<strong>&lt;img src=x onerror=alert(1)&gt;</strong>');
    expect(out).toContain('>&lt;img src=x onerror=alert(1)&gt;</a>');
  });

  it('never links a non-http scheme and never breaks out of the href attribute', () => {
    expect(html('[click](javascript:alert(1))')).not.toContain('href');
    const quoted = html('[x](https://a.example/"onmouseover="alert(1))');
    expect(quoted).not.toMatch(/href="[^"]*"\s*onmouseover/);
    expect(quoted).not.toContain('"onmouseover');
    expect(html('<javascript:alert(1)>')).toBe('&lt;javascript:alert(1)&gt;');
  });

  it('escapes entities and quotes in text', () => {
    expect(html(`Tom & "Jerry" <3 'x'`)).toBe('Tom &amp; &quot;Jerry&quot; &lt;3 &#39;x&#39;');
  });

  it('stays fast and bounded on pathological nesting and unclosed markers', () => {
    const started = Date.now();
    html('*'.repeat(2000));
    html('**'.repeat(1000));
    html('||'.repeat(1000) + 'x');
    html('`'.repeat(2000));
    html('```' + 'a'.repeat(1990));
    html('_a '.repeat(600));
    const deep = '**'.repeat(50) + 'x' + '**'.repeat(50);
    expect(html(deep)).toContain('x');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
