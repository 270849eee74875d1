import type { Logger } from '../sdk/context';
import { backoffDelay, sleep } from '../util/sleep';
import { HomeserverUnreachableError, MatrixApiError } from './errors';

export interface RequestOptions {
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly body?: unknown;
  /** Raw bytes (media upload) instead of JSON. */
  readonly raw?: { readonly data: Buffer; readonly contentType: string };
  /** Masquerade as this user (appservice `user_id` query parameter). */
  readonly asUser?: string;
  /** Attempts before giving up on retryable failures; default from the client. */
  readonly attempts?: number;
  readonly timeoutMs?: number;
}

export interface HttpOptions {
  readonly baseUrl: string;
  readonly asToken: string;
  readonly log: Logger;
  /** Default attempts for retryable failures (429, 5xx, network). */
  readonly attempts?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  /** Observes each request's duration (metrics). */
  readonly onTiming?: (method: string, status: number, ms: number) => void;
}

/**
 * The one place that talks HTTP to the homeserver. Retries 429/5xx/network errors with
 * backoff, honouring `Retry-After` / `retry_after_ms`. Callers that send events pass a stable
 * transaction id in the path, so a retry can never duplicate (unlike matrix-appservice-bridge's
 * Intent, which re-sends with a fresh id on timeout: its issue #513).
 */
export class MatrixHttp {
  readonly baseUrl: string;
  constructor(private readonly opts: HttpOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
  }

  async request<T>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
    const attempts = o.attempts ?? this.opts.attempts ?? 5;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once<T>(method, path, o);
      } catch (err) {
        const retryable =
          err instanceof HomeserverUnreachableError || (err instanceof MatrixApiError && err.retryable);
        if (!retryable || attempt + 1 >= attempts) throw err;
        const hinted = err instanceof MatrixApiError ? err.retryAfterMs : undefined;
        const delay =
          hinted ?? backoffDelay(attempt, this.opts.backoffBaseMs ?? 250, this.opts.backoffMaxMs ?? 30_000);
        this.opts.log.warn('homeserver request failed, retrying', {
          method,
          path: redactPath(path),
          attempt,
          delay,
          error: String(err),
        });
        await sleep(delay);
      }
    }
  }

  private async once<T>(method: string, path: string, o: RequestOptions): Promise<T> {
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(o.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    if (o.asUser) url.searchParams.set('user_id', o.asUser);
    const headers: Record<string, string> = { authorization: `Bearer ${this.opts.asToken}` };
    let body: Blob | string | undefined;
    if (o.raw) {
      headers['content-type'] = o.raw.contentType;
      body = new Blob([new Uint8Array(o.raw.data)]);
    } else if (o.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(o.body);
    }
    const started = performance.now();
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(o.timeoutMs ?? 60_000) });
    } catch (err) {
      throw new HomeserverUnreachableError(`homeserver unreachable: ${(err as Error).message}`);
    }
    this.opts.onTiming?.(method, res.status, performance.now() - started);
    if (res.ok) {
      const type = res.headers.get('content-type') ?? '';
      return (
        type.includes('application/json') ? await res.json() : Buffer.from(await res.arrayBuffer())
      ) as T;
    }
    throw await toApiError(res);
  }
}

async function toApiError(res: Response): Promise<MatrixApiError> {
  let errcode = 'M_UNKNOWN';
  let error = res.statusText;
  let retryAfterMs: number | undefined;
  try {
    const json = (await res.json()) as { errcode?: string; error?: string; retry_after_ms?: number };
    errcode = json.errcode ?? errcode;
    error = json.error ?? error;
    retryAfterMs = json.retry_after_ms;
  } catch {
    // Not JSON (a proxy error page): keep the status text.
  }
  const header = res.headers.get('retry-after');
  if (header && Number.isFinite(Number(header))) retryAfterMs = Number(header) * 1000;
  return new MatrixApiError(res.status, errcode, error, retryAfterMs);
}

/** Paths carry no secrets, but transaction ids make logs noisy; keep the shape. */
function redactPath(path: string): string {
  return path.replace(/\/send\/([^/]+)\/[^/?]+/, '/send/$1/<txn>');
}
