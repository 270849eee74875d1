/** The HTTP layer of the test Matrix client: JSON requests with Matrix errors turned into exceptions. */

const DEFAULT_TIMEOUT_MS = 30_000;

export class MatrixHttpError extends Error {
  constructor(
    readonly status: number,
    /** e.g. `M_FORBIDDEN`; undefined when the body was not a Matrix error. */
    readonly errcode: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'MatrixHttpError';
  }
}

export interface MatrixRequest {
  accessToken?: string;
  query?: Record<string, string | number | undefined>;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is, e.g. a media upload. */
  raw?: { data: Uint8Array<ArrayBuffer>; contentType: string };
  timeoutMs?: number;
}

/** Sends a request and returns the response, throwing MatrixHttpError unless it is 2xx. */
export async function matrixFetch(
  baseUrl: string,
  method: string,
  path: string,
  req: MatrixRequest = {},
): Promise<Response> {
  const url = new URL(path, baseUrl);
  for (const [key, value] of Object.entries(req.query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  const headers: Record<string, string> = {};
  if (req.accessToken) headers.authorization = `Bearer ${req.accessToken}`;
  let body: string | Uint8Array<ArrayBuffer> | undefined;
  if (req.raw) {
    headers['content-type'] = req.raw.contentType;
    body = req.raw.data;
  } else if (req.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(req.json);
  }
  const res = await fetch(url, {
    method,
    headers,
    body,
    signal: AbortSignal.timeout(req.timeoutMs ?? DEFAULT_TIMEOUT_MS),
  });
  if (!res.ok) {
    const text = await res.text();
    let errcode: string | undefined;
    try {
      errcode = (JSON.parse(text) as { errcode?: string }).errcode;
    } catch {
      // Not JSON: the message below carries the text.
    }
    throw new MatrixHttpError(res.status, errcode, `${method} ${url.pathname} -> ${res.status}: ${text}`);
  }
  return res;
}

/** matrixFetch for JSON APIs; `T` is the caller's statement of the response shape, not checked. */
export async function matrixJson<T>(
  baseUrl: string,
  method: string,
  path: string,
  req: MatrixRequest = {},
): Promise<T> {
  const res = await matrixFetch(baseUrl, method, path, req);
  return (await res.json()) as T;
}
