/**
 * Matrix HTML / plain text → Discord content, and the text rules for Discord. The hostile cases
 * fail on a naive converter: one that copies text through, trusts pills or mention syntax in the
 * text, or checks mention syntax per text node only.
 */
import {
  escapeMarkdown,
  neutraliseMentions,
  splitContent,
  webhookUsername,
} from '../../../bridges/discord/discord-text';
import { htmlToDiscord, plainToDiscord, type MentionTarget } from '../../../bridges/discord/html-to-markdown';

const ghost = (id: string) => `https://matrix.to/#/${encodeURIComponent(`@discord_${id}:example.org`)}`;
const target = (mentioned: string[]): MentionTarget => ({
  discordIdOf: (u) => /^@discord_(\d+):example\.org$/.exec(u)?.[1] ?? null,
  mentioned: new Set(mentioned),
});
const md = (html: string, mentioned: string[] = []) => htmlToDiscord(html, target(mentioned));
/** Mention syntax Discord's server would parse out of raw content. */
const PARSED_MENTION = /<@[!&]?\d+>|<#\d+>|@everyone|@here/;

describe('Matrix HTML → Discord markdown', () => {
  it.each([
    ['<strong>bold</strong> <em>it</em> <u>u</u> <del>gone</del>', '**bold** *it* __u__ ~~gone~~'],
    ['<b> spaced </b>x', ' **spaced** x'],
    ['<span data-mx-spoiler>secret</span>', '||secret||'],
    ['<code>a*b</code>', '`a*b`'],
    ['<code>a`b</code>', '`` a`b ``'],
    ['<pre><code class="language-js">if (a &lt; b) **x**\n</code></pre>', '```js\nif (a < b) **x**\n```'],
    ['<blockquote><p>one</p><p>two</p></blockquote><p>after</p>', '> one\n> two\n\nafter'],
    ['<ul><li>a</li><li>b<ul><li>c</li></ul></li></ul>', '- a\n- b\n  - c'],
    ['<ol start="3"><li>x</li><li>y</li></ol>', '3. x\n4. y'],
    ['<h1>Title</h1><p>text</p>', '# Title\n\ntext'],
    ['line<br>break', 'line\nbreak'],
    ['<a href="https://example.org/a_b">site</a>', '[site](https://example.org/a_b)'],
    ['<a href="https://example.org/x">https://example.org/x</a>', 'https://example.org/x'],
    ['<img src="mxc://a/b" alt=":party:" data-mx-emoticon>', ':party:'],
    ['2*3*4 and _x_ ~~y~~ |z|', '2\\*3\\*4 and \\_x\\_ \\~\\~y\\~\\~ \\|z\\|'],
  ])('%j', (html, expected) => {
    expect(md(html)).toBe(expected);
  });

  it('turns a pill into a Discord mention only for users the message mentions', () => {
    expect(md(`hi <a href="${ghost('111')}">Ally</a>`, ['111'])).toBe('hi <@111>');
    expect(md(`hi <a href="${ghost('111')}">Ally</a>`, [])).toBe('hi Ally');
    expect(md('hi <a href="https://matrix.to/#/@dana:example.org">Dana</a>', ['111'])).toBe('hi Dana');
  });

  it('keeps a code fence inside code from closing the block', () => {
    expect(md('<pre><code>a\n```\nb</code></pre>')).toBe('```\na\n`\u200b`\u200b`\nb\n```');
  });
});

describe('Matrix → Discord, hostile input', () => {
  it('neutralises @everyone, @here, role, channel and raw user mentions in plain text', () => {
    const out = plainToDiscord('@everyone @here <@123> <@!123> <@&456> <#789> @EVERYONE');
    expect(out).not.toMatch(PARSED_MENTION);
    expect(out).not.toMatch(/@everyone|@here/i);
    expect(out.replace(/\u200b/g, '')).toBe('@everyone @here <@123> <@!123> <@&456> <#789> @EVERYONE');
  });

  it('neutralises mention syntax in HTML, even split across text nodes or inside code', () => {
    const pieces = [
      '&lt;<span>@123&gt;</span>',
      '<b>@</b>everyone',
      '@<i></i>here',
      '<code>&lt;@123&gt;</code>',
      '<pre><code>@everyone &lt;@&amp;456&gt;</code></pre>',
      '<a href="https://example.org">&lt;@123&gt;</a>',
    ];
    for (const html of pieces) expect(md(html, ['123'])).not.toMatch(PARSED_MENTION);
  });

  it('cannot smuggle a mention through our own placeholder characters', () => {
    expect(md('\ue000123\ue001', ['123'])).not.toMatch(PARSED_MENTION);
    expect(plainToDiscord('\ue000123\ue001')).not.toMatch(PARSED_MENTION);
  });

  it('drops links to non-http schemes and keeps brackets from breaking masked links', () => {
    expect(md('<a href="javascript:alert(1)">x</a>')).toBe('x');
    expect(md('<a href="https://e.org/a)b">[la]bel</a>')).toBe('[label](https://e.org/a%29b)');
  });

  it('escapes markdown so Matrix text never turns into Discord formatting', () => {
    expect(plainToDiscord('**not bold** `x` > no quote\n# no heading')).toBe(
      '\\*\\*not bold\\*\\* \\`x\\` > no quote\n\\# no heading',
    );
    expect(escapeMarkdown('see https://example.org/a_b_c *x*')).toBe('see https://example.org/a_b_c \\*x\\*');
    expect(neutraliseMentions('<t:1:R> </cmd:1> <:e:1>')).not.toMatch(/<[t/:]/);
  });
});

describe('webhook usernames and splitting', () => {
  it.each([
    ['Discord Fan', 'D\u200biscord Fan'],
    ['clyde', 'c\u200blyde'],
    ['everyone', 'everyone (Matrix)'],
    ['  Here ', 'Here (Matrix)'],
    ['', 'Matrix user'],
    ['a\nb```c', 'a bc'],
  ])('%j → %j', (name, expected) => {
    const out = webhookUsername(name);
    expect(out).toBe(expected);
    expect(out).not.toMatch(/clyde|discord/i);
    expect(out).not.toMatch(/^(everyone|here)$/i);
  });

  it('caps usernames at 80 characters without splitting surrogate pairs', () => {
    const out = webhookUsername('😀'.repeat(60));
    expect(out.length).toBeLessThanOrEqual(80);
    expect(out).not.toMatch(/[\ud800-\udbff]$/);
  });

  it('splits long content at line boundaries and reopens cut code blocks', () => {
    const long = Array.from({ length: 300 }, (_, i) => `line ${i} of the message`).join('\n');
    const parts = splitContent(long);
    expect(parts.every((p) => p.length <= 2000)).toBe(true);
    expect(parts.join('\n')).toBe(long);
    const code = '```py\n' + 'x = 1\n'.repeat(500) + '```';
    const codeParts = splitContent(code);
    expect(codeParts.length).toBeGreaterThan(1);
    for (const p of codeParts) {
      expect(p.length).toBeLessThanOrEqual(2000);
      expect((p.match(/```/g) ?? []).length % 2).toBe(0);
    }
    expect(codeParts[1]?.startsWith('```py\n')).toBe(true);
  });
});
