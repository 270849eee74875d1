/**
 * The IRC e2e bed: a real InspIRCd (started per test file), a real Synapse, and the bridge with the
 * IRC module in-process on real Postgres; plain irc-framework clients (Observer) are the IRC users.
 */
import type { IrcNetwork } from '../../../bridges/irc/client';
import { ghostId, ghostLocalpart } from '../../../bridges/irc/ids';
import type { IrcConnector } from '../../../bridges/irc/index';
import type { MatrixEvent, TestMatrixClient } from '../../harness/matrix-test-client';
import { startInspircd, type InspircdServer } from '../../harness/inspircd';
import { startBridgeHarness, type BridgeHarness } from '../../support/bridge-harness';
import { waitUntil } from './helpers';

export const DOMAIN = 'switchboard.test';
export const NET = 'test';

export interface IrcBed {
  readonly ircd: InspircdServer;
  readonly h: BridgeHarness;
  /** The IRC network of the running bridge (changes with restartBridge). */
  net(): IrcNetwork;
  stop(): Promise<void>;
}

/** Network settings fit for a test: plain TCP, fast flood allowance, quick reconnects. */
export function networkConfig(ircd: InspircdServer, extra: Record<string, unknown> = {}) {
  return {
    host: ircd.host,
    port: ircd.port,
    tls: false,
    flood: { burst: 50, lines_per_second: 50 },
    connects_per_second: 50,
    reconnect: { min_delay_ms: 200, max_delay_ms: 1000 },
    idle_timeout_seconds: 0,
    ...extra,
  };
}

export async function startIrcBed(
  o: { network?: Record<string, unknown>; extraConfig?: Record<string, unknown>; services?: boolean } = {},
): Promise<IrcBed> {
  const ircd = await startInspircd({ withServices: o.services ?? false });
  let h: BridgeHarness;
  try {
    h = await startBridgeHarness({
      bridges: { irc: { enabled: true, networks: { [NET]: networkConfig(ircd, o.network) } } },
      ...(o.extraConfig ? { extraConfig: o.extraConfig } : {}),
    });
  } catch (err) {
    await ircd.stop();
    throw err;
  }
  const net = () => (h.bridge.networks.get('irc')?.connector as IrcConnector).networks.get(NET) as IrcNetwork;
  await waitUntil(() => net().bot.client.isRegistered || undefined, 'the IRC bot to connect', 20_000);
  return {
    ircd,
    h,
    net,
    async stop() {
      await h.stop().catch(() => undefined);
      await ircd.stop();
    },
  };
}

export const ghost = (nick: string) => `@irc_${ghostLocalpart.encode(ghostId(NET, nick))}:${DOMAIN}`;
export const alias = (channel: string) => `#irc_${NET}_${channel.replace(/^#/, '')}:${DOMAIN}`;

/** Waits for `userId`'s membership in the room to become `membership` (optionally with a display name). */
export async function waitForMember(
  client: TestMatrixClient,
  roomId: string,
  userId: string,
  membership: string,
  timeoutMs = 20_000,
): Promise<MatrixEvent> {
  try {
    return await client.waitForEvent(
      roomId,
      (e) =>
        e.type === 'm.room.member' &&
        e.state_key === userId &&
        (e.content as { membership?: string }).membership === membership,
      timeoutMs,
    );
  } catch (err) {
    // What the room did show of that user: a timeout alone does not say where it stopped.
    const seen = (await client.messages(roomId, { limit: 50 }).catch(() => []))
      .filter((e) => e.type === 'm.room.member' && e.state_key === userId)
      .reverse()
      .map((e) => `  ${e.sender}: ${String((e.content as { membership?: unknown }).membership)}`);
    throw new Error(
      `${(err as Error).message}; wanted ${userId} ${membership}; it went:\n${seen.join('\n')}`,
    );
  }
}

export const content = (e: MatrixEvent) => e.content as Record<string, unknown>;
