import { format } from 'winston';

/** What a secret is replaced with in log output. */
export const REDACTED = '<redacted>';

const SECRET_WORDS = 'token|password|passwd|secret|credential|session|authorization|cookie';
const SECRET_KEY = new RegExp(SECRET_WORDS, 'i');
const MAX_DEPTH = 8;

/**
 * Whether values under this key are secrets: names containing token, password, secret,
 * credential, session, authorization or cookie, plus `*_key` / `*Key` names such as
 * `encryption_key` (but not `key` alone, which names ordinary lookup keys).
 *
 * @example
 * isSecretKey('hs_token'); // true
 * isSecretKey('roomId'); // false
 */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) || /[_-]key$/i.test(key) || /[a-z0-9]Key$/.test(key);
}

const STRING_RULES: readonly [RegExp, string][] = [
  // Authorization header values: `Bearer syt_...`, `Basic dXNlcjpw...`.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  // Query strings and form bodies: `?access_token=...`, `password=...&`.
  [new RegExp(`([\\w.-]*(?:${SECRET_WORDS}|_key)[\\w.-]*)=[^&\\s"',;]+`, 'gi'), `$1=${REDACTED}`],
  // JSON text: `"hs_token": "..."`.
  [
    new RegExp(`("[\\w.-]*(?:${SECRET_WORDS}|_key)[\\w.-]*"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi'),
    `$1"${REDACTED}"`,
  ],
];

/**
 * Masks secrets inside free text: bearer credentials, `name=value` pairs and JSON members
 * whose name looks secret.
 *
 * @example
 * redactString('GET /sync?access_token=syt_abc'); // 'GET /sync?access_token=<redacted>'
 */
export function redactString(text: string): string {
  let out = text;
  for (const [pattern, replacement] of STRING_RULES) out = out.replace(pattern, replacement);
  return out;
}

/**
 * A deep copy of `value` safe to log: secret-named keys hold `<redacted>`, strings go through
 * `redactString`, binary data shows only its length (session blobs are often Buffers), and
 * errors keep name, message, stack and code.
 *
 * @example
 * redactValue({ user: '@a:b', auth: { password: 'hunter2' } }); // { user: '@a:b', auth: { password: '<redacted>' } }
 */
export function redactValue(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return redactString(value);
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Too deep]';
  seen.add(value);
  try {
    if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
    if (value instanceof ArrayBuffer) return `<${value.byteLength} bytes>`;
    if (value instanceof Date) return value;
    if (Array.isArray(value) || value instanceof Set)
      return [...value].map((v) => redactValue(v, depth + 1, seen));
    let entries: [string, unknown][];
    if (value instanceof Map) entries = [...value.entries()].map(([k, v]) => [String(k), v]);
    else if (value instanceof Error) {
      // Error fields are not enumerable, so JSON would print `{}` without this.
      entries = [
        ['name', value.name],
        ['message', value.message],
        ['stack', value.stack],
        ...Object.entries(value),
      ];
      if (value.cause !== undefined) entries.push(['cause', value.cause]);
    } else if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
      return redactValue((value as { toJSON: () => unknown }).toJSON(), depth + 1, seen);
    } else entries = Object.entries(value);
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      out[k] =
        isSecretKey(k) && v !== null && v !== undefined && v !== ''
          ? REDACTED
          : redactValue(v, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/**
 * The winston format that redacts the message and every metadata field; put it first in the
 * chain so no later format or transport sees a secret.
 *
 * @example
 * winston.createLogger({ format: winston.format.combine(redactFormat(), winston.format.json()) });
 */
export const redactFormat = format((info) => {
  for (const key of Object.keys(info)) {
    if (key === 'level') continue;
    const v = info[key];
    info[key] =
      key !== 'message' && isSecretKey(key) && v !== undefined && v !== null ? REDACTED : redactValue(v);
  }
  return info;
});
