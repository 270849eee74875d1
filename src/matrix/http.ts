import { Agent as HttpAgent, type IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Logger } from '../sdk/context';
import { backoffDelay, sleepUntilWoken } from '../util/sleep';
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
  private readonly target: Target;
  /** Set by close(): no request starts or retries after it. */
  private closed = false;
  /** How to end each request in flight and each retry wait, for close(). */
  private readonly pending = new Set<() => void>();
  constructor(private readonly opts: HttpOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.target = targetOf(this.baseUrl);
  }

  async request<T>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
    const attempts = o.attempts ?? this.opts.attempts ?? 5;
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw new HomeserverUnreachableError('the bridge has stopped');
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
        await sleepUntilWoken(delay, this.pending);
      }
    }
  }

  /**
   * Ends the requests in flight and their retries (they fail as unreachable) and the kept-alive
   * connections: after the bridge stops, nothing of it waits on the homeserver.
   */
  close(): void {
    this.closed = true;
    for (const end of [...this.pending]) end();
    this.target.agent.destroy();
  }

  private async once<T>(method: string, path: string, o: RequestOptions): Promise<T> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(o.query ?? {})) if (v !== undefined) params.set(k, String(v));
    if (o.asUser) params.set('user_id', o.asUser);
    const qs = params.toString();
    const headers: Record<string, string | number> = { authorization: `Bearer ${this.opts.asToken}` };
    let body: Buffer | undefined;
    if (o.raw) {
      headers['content-type'] = o.raw.contentType;
      body = o.raw.data;
    } else if (o.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = Buffer.from(JSON.stringify(o.body));
    }
    if (body) headers['content-length'] = body.length;
    const started = performance.now();
    let res: RawResponse;
    try {
      res = await this.send(
        method,
        this.target.prefix + path + (qs ? `?${qs}` : ''),
        headers,
        body,
        o.timeoutMs,
      );
    } catch (err) {
      throw new HomeserverUnreachableError(`homeserver unreachable: ${(err as Error).message}`);
    }
    this.opts.onTiming?.(method, res.status, performance.now() - started);
    if (res.status >= 200 && res.status < 300) {
      const type = res.headers['content-type'] ?? '';
      return (type.includes('application/json') ? JSON.parse(res.body.toString('utf8')) : res.body) as T;
    }
    throw toApiError(res);
  }

  /**
   * One request over a kept-alive connection (node:http rather than fetch: a third of the
   * CPU per call on the bridge's hot path). The whole exchange is bounded by `timeoutMs`.
   */
  private send(
    method: string,
    path: string,
    headers: Record<string, string | number>,
    body: Buffer | undefined,
    timeoutMs = 60_000,
  ): Promise<RawResponse> {
    const t = this.target;
    return new Promise<RawResponse>((resolve, reject) => {
      const req = t.request({ host: t.host, port: t.port, method, path, headers, agent: t.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          settle();
          resolve({
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            headers: res.headers,
            body: Buffer.concat(chunks),
          });
        });
        res.on('error', fail);
      });
      const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      const end = () => req.destroy(new Error('the bridge has stopped'));
      this.pending.add(end);
      const settle = () => {
        clearTimeout(timer);
        this.pending.delete(end);
      };
      function fail(err: Error): void {
        settle();
        reject(err);
      }
      req.on('error', fail);
      req.end(body);
    });
  }
}

interface RawResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

interface Target {
  readonly request: typeof httpRequest;
  readonly agent: HttpAgent;
  readonly host: string;
  readonly port: number | undefined;
  /** A path the homeserver is mounted under (`https://example.org/matrix`), or ''. */
  readonly prefix: string;
}

function targetOf(baseUrl: string): Target {
  const url = new URL(baseUrl);
  const tls = url.protocol === 'https:';
  const agentOptions = { keepAlive: true, scheduling: 'lifo' as const };
  return {
    request: tls ? httpsRequest : httpRequest,
    agent: tls ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions),
    // `[::1]` in a URL is `::1` to the socket.
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : undefined,
    prefix: url.pathname.replace(/\/+$/, ''),
  };
}

function toApiError(res: RawResponse): MatrixApiError {
  let errcode = 'M_UNKNOWN';
  let error = res.statusText;
  let retryAfterMs: number | undefined;
  try {
    const json = JSON.parse(res.body.toString('utf8')) as {
      errcode?: string;
      error?: string;
      retry_after_ms?: number;
    };
    errcode = json.errcode ?? errcode;
    error = json.error ?? error;
    retryAfterMs = json.retry_after_ms;
  } catch {
    // Not JSON (a proxy error page): keep the status text.
  }
  const header = res.headers['retry-after'];
  if (header && Number.isFinite(Number(header))) retryAfterMs = Number(header) * 1000;
  return new MatrixApiError(res.status, errcode, error, retryAfterMs);
}

/** Paths carry no secrets, but transaction ids make logs noisy; keep the shape. */
function redactPath(path: string): string {
  return path.replace(/\/send\/([^/]+)\/[^/?]+/, '/send/$1/<txn>');
}
