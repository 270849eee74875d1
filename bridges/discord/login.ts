/**
 * Discord has no per-user login here: the bridge logs in once as a bot. This file connects the
 * bot, keeps its bridge state, and turns Discord's refusals into an actionable message (shown in
 * rooms when a send fails, and sent to `admins`). Transient failures are retried with backoff.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Events, type Client } from 'discord.js';
import type { BridgeStateKind } from '../../src/sdk';
import { makeClient, type ConnectionState, type DiscordBot } from './client';
import { botToken } from './config';

const TOKEN_FIX =
  'Discord rejected the bot token. Create a new one in the Discord Developer Portal (your application → Bot → Reset Token), put it in bridges.discord.bot_token or the $ENV environment variable, and restart the bridge.';
const INTENTS_FIX =
  'Discord refused the gateway intents the bridge needs. In the Discord Developer Portal (your application → Bot → Privileged Gateway Intents) enable "Message Content Intent" and "Server Members Intent"; the bridge retries every minute.';

/** What a failed login means and whether trying again can help. */
export function describeLoginError(err: unknown, env: string): ConnectionState & { retryMs: number | null } {
  const e = err as { code?: unknown; status?: unknown; message?: unknown } | null;
  const message = String(e?.message ?? err);
  if (e?.code === 'TokenInvalid' || e?.status === 401 || e?.code === 4004 || /invalid token/i.test(message)) {
    return { kind: 'bad_credentials', problem: TOKEN_FIX.replace('$ENV', env), retryMs: null };
  }
  if (/disallowed intents/i.test(message) || e?.code === 4014) {
    return { kind: 'bad_credentials', problem: INTENTS_FIX, retryMs: 60_000 };
  }
  return {
    kind: 'transient_disconnect',
    problem: `cannot reach Discord (${message}); retrying`,
    retryMs: 5_000,
  };
}

/**
 * Connects the bot and keeps it connected; `attach` wires the event handlers onto each new client
 * (a failed login destroys the discord.js client, so every attempt gets a fresh one).
 */
export class BotConnection {
  private stopped = false;
  /** Cancels retry waits on stop, so a stopped bridge leaves no timers behind. */
  private readonly abort = new AbortController();

  constructor(
    private readonly bot: DiscordBot,
    private readonly attach: (client: Client) => void,
  ) {}

  /** Resolves once connected or once the first attempt failed (the bridge starts either way). */
  async start(): Promise<void> {
    let first: () => void = () => undefined;
    const firstDone = new Promise<void>((resolve) => (first = resolve));
    void this.loop(first);
    await firstDone;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    const client = this.bot.client;
    this.bot.client = null;
    await client?.destroy();
  }

  private async loop(firstDone: () => void): Promise<void> {
    const { ctx } = this.bot;
    const token = botToken(ctx.config);
    if (!token) {
      this.report({
        kind: 'bad_credentials',
        problem: `No Discord bot token is configured: set bridges.discord.bot_token or the ${ctx.config.bot_token_env} environment variable, and restart the bridge.`,
      });
      firstDone();
      return;
    }
    for (let failures = 0; !this.stopped;) {
      const client = makeClient(ctx);
      this.attach(client);
      this.watch(client);
      this.bot.client = client;
      try {
        const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
        await client.login(token);
        await ready;
        this.report({ kind: 'connected' });
        firstDone();
        return;
      } catch (err) {
        await client.destroy().catch(() => undefined);
        const state = describeLoginError(err, ctx.config.bot_token_env);
        ctx.log.error('Discord login failed', { error: String(err), state: state.kind });
        this.report(state);
        firstDone();
        if (state.retryMs === null || this.stopped) return;
        failures++;
        const wait = Math.min(state.retryMs * 2 ** Math.min(failures - 1, 6), 300_000);
        await sleep(wait, undefined, { signal: this.abort.signal }).catch(() => undefined);
      }
    }
  }

  /** Gateway life after login: discord.js resumes by itself; we only keep the state honest. */
  private watch(client: Client): void {
    client.on(Events.ShardReconnecting, () =>
      this.report({
        kind: 'transient_disconnect',
        problem: 'the connection to Discord dropped; reconnecting',
      }),
    );
    client.on(Events.ShardResume, () => this.report({ kind: 'connected' }));
    client.on(Events.ShardReady, () => this.report({ kind: 'connected' }));
    client.on(Events.ShardDisconnect, (event) => {
      // Before READY the login attempt handles the failure itself.
      if (!client.readyAt || this.stopped || this.bot.client !== client) return;
      // Unrecoverable close codes (4004 token, 4014 intents): discord.js gives up, so do we, loudly.
      const state = describeLoginError({ code: event.code }, this.bot.ctx.config.bot_token_env);
      this.report(state);
      if (state.retryMs === null) return;
      const wait = sleep(state.retryMs, undefined, { signal: this.abort.signal });
      void Promise.all([client.destroy(), wait]).then(
        () => !this.stopped && this.bot.client === client && void this.loop(() => undefined),
        () => undefined,
      );
    });
    client.on(Events.Error, (err) => this.bot.ctx.log.warn('Discord client error', { error: String(err) }));
  }

  private report(state: ConnectionState): void {
    if (this.stopped) return;
    const { ctx } = this.bot;
    const previous = this.bot.state;
    this.bot.state = state;
    if (previous.kind === state.kind && previous.problem === state.problem) return;
    ctx.setBridgeState(null, { state: state.kind, ...(state.problem ? { message: state.problem } : {}) });
    if (isError(state.kind) && state.problem) {
      for (const admin of ctx.config.admins) {
        void ctx.notifyUser(admin, `⚠️ Discord bridge: ${state.problem}`).catch(() => undefined);
      }
    }
  }
}

const isError = (kind: BridgeStateKind) => kind === 'bad_credentials' || kind === 'unknown_error';
