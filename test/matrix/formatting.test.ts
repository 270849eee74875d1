import { escapeHtml, pillUserIds, sanitizeHtml, stripReplyFallback } from '../../src/matrix/formatting';

describe('formatting helpers', () => {
  it('escapes text before markup is added', () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'q'`)).toBe(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;',
    );
  });

  it('keeps allow-listed HTML and neutralises the rest', () => {
    const out = sanitizeHtml(
      '<b>ok</b><script>alert(1)</script><img src="https://evil/x.png" onerror="x()"><img src="mxc://a/b"><a href="javascript:alert(1)">l</a><a href="https://x.org">y</a><span data-mx-spoiler="">s</span><code class="language-ts evil">c</code>',
    );
    expect(out).toContain('<b>ok</b>');
    expect(out).not.toContain('<script');
    expect(out).not.toContain('onerror');
    expect(out).not.toContain('https://evil');
    expect(out).toContain('src="mxc://a/b"');
    expect(out).not.toContain('javascript:');
    expect(out).toContain('href="https://x.org"');
    expect(out).toContain('data-mx-spoiler');
    expect(out).not.toContain('evil"');
  });

  it('strips a reply fallback from body and html', () => {
    const r = stripReplyFallback(
      '> <@a:x> quoted\n> more\n\nanswer',
      '<mx-reply><blockquote>q</blockquote></mx-reply>answer',
    );
    expect(r).toEqual({ body: 'answer', html: 'answer' });
    expect(stripReplyFallback('plain')).toEqual({ body: 'plain' });
  });

  it('finds pills', () => {
    expect(
      pillUserIds(
        '<a href="https://matrix.to/#/%40bob%3Ax.org">Bob</a> <a href="https://matrix.to/#/@c:y">C</a>',
      ),
    ).toEqual(['@bob:x.org', '@c:y']);
  });
});
