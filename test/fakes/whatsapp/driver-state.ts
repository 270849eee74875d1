/**
 * What one fake driver holds, shared by its two faces (the WhatsAppDriver interface in
 * fake-driver.ts and the test control API in control-api.ts): where it is in its life, who it is
 * logged in as, its event emitter, local store, saved session and the record of calls made on it.
 */
import { resolve } from 'node:path';
import {
  assertValidSessionId,
  DriverEventEmitter,
  type DriverOptions,
  type WAId,
} from '../../../bridges/whatsapp/driver';
import type { FakeWhatsAppNetwork } from './fake-network';
import { LocalStore } from './local-store';
import { FakeRemoteAuthSession } from './remote-auth-session';
import type { FakeCall, IncomingMessageSpec } from './specs';

export type Phase = 'idle' | 'restoring' | 'qr' | 'ready' | 'disconnected' | 'destroyed';

export abstract class FakeDriverState {
  /** Every call made through the driver interface and on the message and chat objects it returned. */
  readonly calls: FakeCall[] = [];
  readonly sessionId: string;

  protected readonly events = new DriverEventEmitter();
  protected readonly remoteAuth: FakeRemoteAuthSession;
  protected readonly network: FakeWhatsAppNetwork | undefined;
  protected readonly local = new LocalStore();
  protected phase: Phase = 'idle';
  protected me: WAId | undefined;
  protected ownPushname: string | undefined;
  /** Chat history to store when the driver becomes ready (see seedHistory). */
  protected history: IncomingMessageSpec[] = [];

  constructor(opts: DriverOptions, network?: FakeWhatsAppNetwork) {
    assertValidSessionId(opts.sessionId);
    this.sessionId = opts.sessionId;
    this.remoteAuth = new FakeRemoteAuthSession(opts.store, resolve(opts.chromium.dataDir), opts.sessionId);
    this.network = network;
  }

  protected record(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args });
  }

  protected requireReady(): WAId {
    if (this.phase !== 'ready' || this.me === undefined) {
      throw new Error(`FakeWhatsAppDriver: not ready (phase ${this.phase})`);
    }
    return this.me;
  }
}
