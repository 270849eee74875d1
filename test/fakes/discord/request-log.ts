/** Every REST request the client made, waiters on it, and the queue of 429s to inject. */
import type { RecordedRequest, RouteMatcher } from './types';

interface Waiter {
  predicate: (request: RecordedRequest) => boolean;
  resolve: (request: RecordedRequest) => void;
}

export interface RateLimitRule {
  matcher: RouteMatcher;
  retryAfterSeconds: number;
  global: boolean;
}

export const routeMatches = (
  matcher: RouteMatcher,
  request: Pick<RecordedRequest, 'method' | 'path'>,
): boolean =>
  (matcher.method === undefined || matcher.method.toUpperCase() === request.method) &&
  (typeof matcher.path === 'string' ? matcher.path === request.path : matcher.path.test(request.path));

export class RequestLog {
  readonly entries: RecordedRequest[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly rateLimits: RateLimitRule[] = [];

  add(entry: RecordedRequest): void {
    this.entries.push(entry);
  }

  /** Called once the answer's status is known; wakes waiters whose predicate now matches. */
  complete(entry: RecordedRequest, status: number): void {
    entry.status = status;
    for (const waiter of this.waiters) {
      if (waiter.predicate(entry)) {
        this.waiters.delete(waiter);
        waiter.resolve(entry);
      }
    }
  }

  /** The first answered request (already logged or still to come) matching `predicate`. */
  waitFor(predicate: (request: RecordedRequest) => boolean, timeoutMs: number): Promise<RecordedRequest> {
    const done = this.entries.find((entry) => entry.status !== 0 && predicate(entry));
    if (done) return Promise.resolve(done);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve: (request) => {
          clearTimeout(timer);
          resolve(request);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`fake-discord: no matching REST request within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  clear(): void {
    this.entries.length = 0;
  }

  addRateLimit(rule: RateLimitRule): void {
    this.rateLimits.push(rule);
  }

  /** Removes and returns the first queued 429 that applies to this request. */
  takeRateLimit(request: Pick<RecordedRequest, 'method' | 'path'>): RateLimitRule | undefined {
    const index = this.rateLimits.findIndex((rule) => routeMatches(rule.matcher, request));
    return index === -1 ? undefined : this.rateLimits.splice(index, 1)[0];
  }
}
