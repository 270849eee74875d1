import { randomUUID } from 'node:crypto';
import type { NetworkRuntime } from '../modules/runtime';
import type { Logger } from '../sdk/context';
import { BridgeError, toBridgeError } from '../sdk/errors';
import type { LoginField, LoginProcess, LoginStep } from '../sdk/login';
import type { MatrixActor } from '../sdk/session';
import type { LoginWithState } from '../store/login-repo';
import { sleepUntilWoken } from '../util/sleep';
import type { LoginManager } from './login-manager';

/** input: waiting for `submit`; waiting: a QR code or code is shown; the rest are final. */
export type AttemptStatus = 'input' | 'waiting' | 'complete' | 'failed' | 'cancelled';

export type OpenStep = Exclude<LoginStep, { type: 'complete' }>;

/** One login attempt of one Matrix user, whichever channel (management room, API) drives it. */
export interface LoginAttempt {
  readonly id: string;
  readonly network: NetworkRuntime;
  readonly flowId: string;
  readonly user: MatrixActor;
  readonly status: AttemptStatus;
  /** The step the user is at while `input` or `waiting`. */
  readonly step: OpenStep | null;
  /** The stored login once `complete`. */
  readonly login: LoginWithState | null;
  /** Why it `failed`, in words for the user. */
  readonly error: string | null;
  /** Grows with every change, for long polling. */
  readonly version: number;
}

/** Called on every change of an attempt; awaited, so a channel's messages keep their order. */
export type AttemptListener = (attempt: LoginAttempt) => Promise<void> | void;

interface Live {
  attempt: LoginAttempt;
  readonly process: LoginProcess | null;
  readonly listeners: AttemptListener[];
  readonly waiters: Set<() => void>;
  timer?: NodeJS.Timeout;
}

export interface LoginSessionOptions {
  /** An unfinished attempt nobody touched for this long is cancelled (a WhatsApp attempt holds a browser). */
  readonly idleMs?: number;
  /** A finished attempt stays readable this long, so a polling page sees how it ended. */
  readonly keepMs?: number;
}

const isOpen = (s: AttemptStatus) => s === 'input' || s === 'waiting';

/**
 * Returns why `value` does not fit `field`, or null. The management room checks each answer as
 * it comes, the API a whole form; both through this one rule.
 */
export function checkField(field: LoginField, value: string | undefined): string | null {
  if (value === undefined || value === '') return field.optional ? null : `${field.label} is required`;
  if (value.length > 4096) return `${field.label} is too long`;
  if (field.pattern && !new RegExp(`^(?:${field.pattern})$`).test(value))
    return `That does not look like a valid ${field.label}`;
  return null;
}

/**
 * The one driver of modules' login step machines (DESIGN §3): starts a `LoginProcess`, checks
 * and submits input, waits on QR codes in the background, and stores the login when it
 * completes. The management-room dialog and the provisioning API are two views on it. A user
 * has at most one open attempt: starting another cancels the first, wherever it was started.
 */
export class LoginSessions {
  private readonly live = new Map<string, Live>();
  private readonly idleMs: number;
  private readonly keepMs: number;

  constructor(
    private readonly logins: LoginManager,
    private readonly log: Logger,
    opts: LoginSessionOptions = {},
  ) {
    this.idleMs = opts.idleMs ?? 15 * 60_000;
    this.keepMs = opts.keepMs ?? 5 * 60_000;
  }

  /** Starts `flowId` (the network's first flow when absent). Throws for a bad network or flow. */
  async start(
    net: NetworkRuntime,
    user: MatrixActor,
    flowId: string | undefined,
    listener?: AttemptListener,
  ): Promise<LoginAttempt> {
    const startLogin = net.connector.startLogin?.bind(net.connector);
    const flows = net.connector.loginFlows?.() ?? [];
    if (!startLogin || flows.length === 0)
      throw new BridgeError('not_supported', `${net.displayName} has no per-user login`);
    const flow = flowId === undefined ? flows[0] : flows.find((f) => f.id === flowId);
    if (!flow) {
      const offered = flows.map((f) => `${f.id} (${f.description})`).join(', ');
      throw new BridgeError('invalid_input', `Unknown login flow. ${net.displayName} offers: ${offered}`);
    }
    const previous = this.current(user.userId);
    if (previous) await this.cancel(previous.id);
    let process: LoginProcess | null = null;
    let failure: unknown = null;
    try {
      process = startLogin(flow.id, user);
    } catch (err) {
      failure = err;
    }
    const base = { id: randomUUID(), network: net, flowId: flow.id, user, login: null, version: 0 };
    const live: Live = {
      attempt: { ...base, status: 'input', step: null, error: null },
      process,
      listeners: listener ? [listener] : [],
      waiters: new Set(),
    };
    this.live.set(live.attempt.id, live);
    if (!process) await this.fail(live, failure);
    else await this.advance(live, () => (process as LoginProcess).start());
    return live.attempt;
  }

  /** Answers a `user_input` step. Throws (and changes nothing) when a field does not fit. */
  async submit(id: string, values: Readonly<Record<string, string>>): Promise<LoginAttempt> {
    const live = this.live.get(id);
    const step = live?.attempt.step;
    if (!live || live.attempt.status !== 'input' || step?.type !== 'user_input')
      throw new BridgeError('invalid_input', 'this login is not waiting for input');
    const clean: Record<string, string> = {};
    for (const field of step.fields) {
      const problem = checkField(field, values[field.id]);
      if (problem) throw new BridgeError('invalid_input', `${problem} (field "${field.id}")`);
      const value = values[field.id];
      if (value !== undefined && value !== '') clean[field.id] = value;
    }
    const submit = live.process?.submit?.bind(live.process);
    if (!submit) throw new BridgeError('not_supported', 'this login step takes no input');
    await this.advance(live, () => submit(clean));
    return live.attempt;
  }

  /** Stops an attempt; true when it was still open. */
  async cancel(id: string, reason: 'cancelled' | 'failed' = 'cancelled', error?: string): Promise<boolean> {
    const live = this.live.get(id);
    if (!live || !isOpen(live.attempt.status)) return false;
    await this.update(live, { status: reason, step: null, error: error ?? null });
    await live.process?.cancel?.().catch(() => undefined);
    return true;
  }

  get(id: string): LoginAttempt | undefined {
    return this.live.get(id)?.attempt;
  }

  /** The user's open attempt, if any. */
  current(userId: string): LoginAttempt | undefined {
    for (const { attempt } of this.live.values())
      if (attempt.user.userId === userId && isOpen(attempt.status)) return attempt;
    return undefined;
  }

  /** Resolves with the attempt once its version passes `since`, or after `timeoutMs` as it is. */
  async changed(id: string, since: number, timeoutMs: number): Promise<LoginAttempt | undefined> {
    const live = this.live.get(id);
    if (!live || live.attempt.version > since) return live?.attempt;
    await sleepUntilWoken(timeoutMs, live.waiters);
    return this.live.get(id)?.attempt;
  }

  /** Cancels every open attempt (bridge shutdown). */
  async stopAll(): Promise<void> {
    for (const id of [...this.live.keys()]) await this.cancel(id);
    for (const live of this.live.values()) clearTimeout(live.timer);
    this.live.clear();
  }

  private async advance(live: Live, next: () => Promise<LoginStep>): Promise<void> {
    let step: LoginStep;
    try {
      step = await next();
    } catch (err) {
      return this.fail(live, err);
    }
    // Cancelled (or superseded) while the module was busy: its answer no longer matters.
    if (!isOpen(live.attempt.status)) return;
    if (step.type === 'complete') {
      try {
        const login = await this.logins.complete(live.attempt.network, live.attempt.user, step.login);
        await this.update(live, { status: 'complete', step: null, login });
      } catch (err) {
        await this.fail(live, err);
      }
      return;
    }
    await this.update(live, { status: step.type === 'user_input' ? 'input' : 'waiting', step });
    const wait = live.process?.wait?.bind(live.process);
    // A QR code waits for a phone, maybe for minutes: in the background, not in the caller.
    if (step.type === 'display_and_wait' && wait)
      void this.advance(live, wait).catch((err: unknown) =>
        this.log.warn('login wait failed', { error: String(err) }),
      );
  }

  private async fail(live: Live, err: unknown): Promise<void> {
    const e = toBridgeError(err);
    if (e.code === 'internal')
      this.log.error('login step failed', { network: live.attempt.network.id, error: String(err) });
    if (!isOpen(live.attempt.status)) return;
    await this.update(live, { status: 'failed', step: null, error: e.message });
    await live.process?.cancel?.().catch(() => undefined);
  }

  private async update(live: Live, patch: Partial<LoginAttempt>): Promise<void> {
    live.attempt = { ...live.attempt, ...patch, version: live.attempt.version + 1 };
    this.schedule(live);
    for (const wake of [...live.waiters]) wake();
    const snapshot = live.attempt;
    for (const listener of live.listeners) {
      try {
        await listener(snapshot);
      } catch (err) {
        this.log.warn('login listener failed', { error: String(err) });
      }
    }
  }

  /** Open attempts expire when left alone; finished ones are forgotten after a while. */
  private schedule(live: Live): void {
    clearTimeout(live.timer);
    const id = live.attempt.id;
    live.timer = isOpen(live.attempt.status)
      ? setTimeout(() => void this.cancel(id, 'failed', 'the login timed out'), this.idleMs)
      : setTimeout(() => this.live.delete(id), this.keepMs);
    live.timer.unref();
  }
}
