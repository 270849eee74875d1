/**
 * Why a connection attempt ends before RPL_WELCOME. irc-framework reports it piecemeal (a SASL
 * failure, an ERROR line, nick numerics, or nothing at all) before the socket closes; the close
 * itself says nothing. Some reasons are final (a refused password or nick), the rest only explain a
 * failure that time may cure.
 */
import type { Client, SaslFailedEvent } from 'irc-framework';
import { IrcConnectError } from './safe-client-types';

/** Alternatives tried for a taken nick before giving up: nick_, nick__, nick___. */
const NICK_RETRIES = 3;

export class Registration {
  private fatalError: IrcConnectError | undefined;
  private lastFailure: IrcConnectError | undefined;
  private nickRetries = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly timeoutMs: number) {}

  /** Set when the attempt failed for a reason no reconnect can cure. */
  get fatal(): IrcConnectError | undefined {
    return this.fatalError;
  }

  /** Why an attempt that never registered ended. */
  get failure(): IrcConnectError {
    return this.lastFailure ?? new IrcConnectError('closed', 'connection closed before registration');
  }

  /** A new connect(): reasons from an earlier connection no longer count. */
  reset(): void {
    this.fatalError = this.lastFailure = undefined;
  }

  /** A socket opens; a server that never welcomes us gets it destroyed after the timeout. */
  begin(client: Client): void {
    this.nickRetries = 0;
    this.fatalError = undefined;
    this.timer = setTimeout(() => {
      this.lastFailure = new IrcConnectError(
        'registration_timeout',
        'no RPL_WELCOME from the server in time',
      );
      client.connection.end(undefined, true);
    }, this.timeoutMs);
  }

  /** Registered, closed or given up: the timeout no longer applies. */
  end(): void {
    clearTimeout(this.timer);
  }

  /** irc-framework disconnects by itself (sasl_disconnect_on_fail). */
  saslFailed(e: SaslFailedEvent): void {
    // No SASL on offer (services not linked yet) is worth retrying after a reconnect; a refused login is not.
    if (e.reason === 'capability_missing') {
      this.lastFailure = new IrcConnectError('sasl_unavailable', 'the server offers no SASL');
    } else {
      this.fatalError = new IrcConnectError('sasl_failed', `SASL login failed: ${e.message ?? e.reason}`);
    }
  }

  /** An `irc error` before registration (a refused server password at any time). */
  serverError(error: string, reason: string | undefined): void {
    if (error === 'password_mismatch')
      this.fatalError = new IrcConnectError('password_mismatch', 'server password refused');
    else this.lastFailure = new IrcConnectError('closed', reason ?? error);
  }

  /**
   * A nick refused before registration: the alternative to try next (`wanted` with '_' added), or
   * undefined once the refusal is final and the attempt should end.
   */
  nickRejected(wanted: string, nick: string, reason: string, error: string): string | undefined {
    if (error === 'nick_in_use' && this.nickRetries < NICK_RETRIES) {
      this.nickRetries += 1;
      const limit = Math.max(wanted.length, 9);
      return (
        (wanted.length + this.nickRetries <= limit ? wanted : wanted.slice(0, limit - this.nickRetries)) +
        '_'.repeat(this.nickRetries)
      );
    }
    this.fatalError = new IrcConnectError('nick_unavailable', `nick ${nick} refused: ${reason}`);
    return undefined;
  }
}
