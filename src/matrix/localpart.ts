/**
 * Reversible mapping from arbitrary remote ids to Matrix localpart characters, following the
 * spec's appendix "Mapping from other character sets": `_` escapes upper case letters and
 * itself, `=xx` escapes any other byte outside `[a-z0-9.-/]`.
 *
 * @example
 * escapeLocalpart('Bob_Smith'); // '_bob__smith'
 * unescapeLocalpart('_bob__smith'); // 'Bob_Smith'
 */
export function escapeLocalpart(id: string): string {
  let out = '';
  for (const byte of Buffer.from(id, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[a-z0-9.\-/]/.test(c)) out += c;
    else if (c === '_') out += '__';
    else if (/[A-Z]/.test(c)) out += '_' + c.toLowerCase();
    else out += '=' + byte.toString(16).padStart(2, '0');
  }
  return out;
}

export function unescapeLocalpart(localpart: string): string | null {
  const bytes: number[] = [];
  for (let i = 0; i < localpart.length; i++) {
    const c = localpart[i] as string;
    if (c === '_') {
      const next = localpart[++i];
      if (next === '_') bytes.push(0x5f);
      else if (next && /[a-z]/.test(next)) bytes.push(next.toUpperCase().charCodeAt(0));
      else return null;
    } else if (c === '=') {
      const hex = localpart.slice(i + 1, i + 3);
      if (!/^[0-9a-f]{2}$/.test(hex)) return null;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (/[a-z0-9.\-/]/.test(c)) {
      bytes.push(c.charCodeAt(0));
    } else {
      return null;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Splits `@localpart:server` (or `#alias:server`). */
export function splitId(id: string): { localpart: string; server: string } | null {
  const m = /^[@#!]([^:]+):(.+)$/.exec(id);
  return m ? { localpart: m[1] as string, server: m[2] as string } : null;
}
