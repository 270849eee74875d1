/**
 * The WhatsApp module end to end: a real Synapse, the bridge in-process on real Postgres, and the
 * module on the fake driver (the lowest layer faked). Bob is another WhatsApp account on the same
 * fake network, driven directly by the tests as "Bob's phone".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWhatsAppModule } from '../../../bridges/whatsapp';
import { KvSessionStore } from '../../../bridges/whatsapp/session-store';
import type { BridgeModule } from '../../../src/sdk';
import { command, openManagementRoom, waitForText } from '../../e2e/e2e-helpers';
import { FakeWhatsAppDriver } from '../../fakes/whatsapp/fake-driver';
import { FakeWhatsAppNetwork } from '../../fakes/whatsapp/fake-network';
import { MemoryKeyValue } from '../../fakes/whatsapp/memory-kv';
import type { TestMatrixClient } from '../../harness/matrix-test-client';
import { startBridgeHarness, type BridgeHarness, type HarnessOptions } from '../../support/bridge-harness';
import { fakePictureFetch, recordingFactory } from './helpers';

export const DOMAIN = 'switchboard.test';
export const ALICE = '3712345678'; // the Matrix user's own WhatsApp number
export const BOB = '3798765432';
export const jid = (phone: string) => `${phone}@c.us`;
export const ghost = (phone: string) => `@whatsapp_${phone}:${DOMAIN}`;

export interface WhatsAppWorld {
  h: BridgeHarness;
  network: FakeWhatsAppNetwork;
  drivers: ReturnType<typeof recordingFactory>;
  pictures: ReturnType<typeof fakePictureFetch>;
  /** Bob's phone: a WhatsApp account outside the bridge. */
  bob: FakeWhatsAppDriver;
  bot: string;
  stop(): Promise<void>;
}

export async function startWhatsAppWorld(
  config: Record<string, unknown> = {},
  harness: Pick<HarnessOptions, 'doublePuppet'> = {},
): Promise<WhatsAppWorld> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-wa-e2e-'));
  const network = new FakeWhatsAppNetwork();
  const drivers = recordingFactory(network);
  const pictures = fakePictureFetch();
  const module = createWhatsAppModule({ driverFactory: drivers.factory, fetch: pictures.fetch });
  const h = await startBridgeHarness({
    ...harness,
    bridges: {
      whatsapp: { enabled: true, chromium: { data_dir: dataDir }, ...config },
    },
    // The module's config type is its own; the harness takes modules of any config.
    modules: new Map([['whatsapp', module as unknown as BridgeModule<never>]]),
  });
  const bob = new FakeWhatsAppDriver(
    {
      sessionId: 'bob-phone',
      store: new KvSessionStore(new MemoryKeyValue()),
      chromium: { dataDir, mode: 'per-session' },
    },
    network,
  );
  await bob.initialize();
  await bob.scanQr(BOB, 'Bob');
  return {
    h,
    network,
    drivers,
    pictures,
    bob,
    bot: h.bridge.botUserId,
    async stop() {
      await h.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * `user` logs in with the QR flow as WhatsApp number `phone` and the login completes; returns
 * the management room and the fake driver. `beforeScan` runs while the QR code is shown.
 */
export async function loginByQr(
  w: WhatsAppWorld,
  user: TestMatrixClient,
  phone: string,
  pushname: string,
  beforeScan?: (driver: FakeWhatsAppDriver) => Promise<void> | void,
): Promise<{ mgmt: string; driver: FakeWhatsAppDriver }> {
  const mgmt = await openManagementRoom(user, w.bot);
  const index = w.drivers.made.length;
  await command(user, mgmt, w.bot, 'login whatsapp', 'Linked devices');
  const driver = await w.drivers.driver(index);
  await beforeScan?.(driver);
  const saved = driver.waitFor('remote_session_saved');
  await driver.scanQr(phone, pushname);
  await saved;
  await waitForText(user, mgmt, `Logged in to WhatsApp as ${pushname} (+${phone})`, w.bot);
  return { mgmt, driver };
}
