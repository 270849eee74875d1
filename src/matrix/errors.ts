/** An error answer from the homeserver's client-server API. */
export class MatrixApiError extends Error {
  override readonly name = 'MatrixApiError';
  constructor(
    readonly status: number,
    readonly errcode: string,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(`${status} ${errcode}: ${message}`);
  }

  /** 429 and 5xx are worth retrying; 4xx are answers about the request itself. */
  get retryable(): boolean {
    return this.status === 429 || this.status >= 500;
  }
}

/** The homeserver could not be reached at all. */
export class HomeserverUnreachableError extends Error {
  override readonly name = 'HomeserverUnreachableError';
}
