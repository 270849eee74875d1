/**
 * Wraps the module under test so the kit can see what the core cannot show in Matrix: the login
 * steps (to answer each field by its id, not by guessing from the prompt text) and the sessions
 * (to say "the session has no editMessage" instead of just "timed out").
 */
import type { BridgeModule, LoginProcess, LoginStep, NetworkConnector, RemoteSession } from '../sdk';

export interface Observed {
  /** Every login step the module returned, in order. */
  readonly steps: LoginStep[];
  /** Sessions the connector handed to the core (from `loadLogin` and `sessionFor`). */
  readonly sessions: RemoteSession[];
  /** Resolves with the step after the `seen` first ones, or rejects after `timeoutMs`. */
  nextStep(seen: number, timeoutMs: number): Promise<LoginStep>;
}

type Fn = (...args: unknown[]) => unknown;

// A Proxy rather than a copy: connectors are often class instances whose methods live on the prototype.
function intercept<T extends object>(target: T, wrap: (key: PropertyKey, fn: Fn) => Fn | null): T {
  return new Proxy(target, {
    get(t, key) {
      const v: unknown = Reflect.get(t, key, t);
      if (typeof v !== 'function') return v;
      return wrap(key, v as Fn) ?? (v as Fn).bind(t);
    },
  });
}

export function observeModule(mod: BridgeModule<never>): { module: BridgeModule<never>; observed: Observed } {
  const steps: LoginStep[] = [];
  const sessions: RemoteSession[] = [];
  const record = (step: LoginStep) => (steps.push(step), step);
  const keep = <S extends RemoteSession | null>(s: S) => (s && !sessions.includes(s) && sessions.push(s), s);
  const process = (p: LoginProcess): LoginProcess =>
    intercept(p, (key, fn) =>
      key === 'start' || key === 'submit' || key === 'wait'
        ? async (...args: unknown[]) => record((await fn.apply(p, args)) as LoginStep)
        : null,
    );
  const connector = (c: NetworkConnector): NetworkConnector =>
    intercept(c, (key, fn) => {
      if (key === 'startLogin') return (...args: unknown[]) => process(fn.apply(c, args) as LoginProcess);
      if (key === 'loadLogin') return (...args: unknown[]) => keep(fn.apply(c, args) as RemoteSession);
      if (key === 'sessionFor')
        return async (...args: unknown[]) => keep((await fn.apply(c, args)) as RemoteSession | null);
      return null;
    });
  const observed: Observed = {
    steps,
    sessions,
    async nextStep(seen, timeoutMs) {
      for (const deadline = Date.now() + timeoutMs; steps.length <= seen;) {
        if (Date.now() > deadline) throw new Error(`the module returned no login step after step ${seen}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      return steps[seen] as LoginStep;
    },
  };
  const wrapped: BridgeModule<never> = {
    manifest: mod.manifest,
    configSchema: mod.configSchema,
    ...(mod.sampleConfig !== undefined ? { sampleConfig: mod.sampleConfig } : {}),
    ...(mod.ghostLocalpart ? { ghostLocalpart: mod.ghostLocalpart } : {}),
    create: (ctx) => connector(mod.create(ctx)),
  };
  return { module: wrapped, observed };
}
