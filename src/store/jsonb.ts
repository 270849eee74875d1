/**
 * JSON text for a `jsonb` parameter. Postgres (and PGlite) refuse `\u0000` in jsonb ("unsupported
 * Unicode escape sequence"), so one Matrix message containing a NUL character would fail its whole
 * appservice transaction, which Synapse then retries forever: the bridge would stall. NUL becomes
 * U+FFFD; no network accepts NUL in text anyway.
 */
export function toJsonb(value: unknown): string {
  // An escape preceded by an even number of backslashes: `\\u0000` is a backslash and "u0000".
  return JSON.stringify(value).replace(/(?<!\\)((?:\\\\)*)\\u0000/g, '$1\\ufffd');
}
