/**
 * Logging in links the bridge as a device of the user's WhatsApp account ("Linked devices"):
 * - `qr`: a QR code to scan, shown again each time WhatsApp rotates it (about every 20 s);
 * - `phone`: the user gives their number and types the pairing code we show into the phone.
 * Either way the client that linked is handed to the login's session (see client.ts).
 */
import { randomBytes } from 'node:crypto';
import {
  BridgeError,
  type LoginField,
  type LoginFlow,
  type LoginProcess,
  type LoginStep,
  type MatrixActor,
} from '../../src/sdk';
import type { ClientPool, WhatsAppClient } from './client';
import type { WhatsAppContext } from './config';
import { sessionIdOf } from './from-matrix';
import { newSessionId, phoneDigits, userIdOf } from './ids';

export const LOGIN_FLOWS: readonly LoginFlow[] = [
  { id: 'qr', name: 'QR code', description: 'scan a QR code with WhatsApp on your phone' },
  {
    id: 'phone',
    name: 'Pairing code',
    description: 'type a code into WhatsApp on your phone instead of scanning',
  },
];

const PHONE: LoginField = {
  id: 'phone',
  label: 'Phone number (international format, e.g. +371 2345 6789)',
  type: 'phone',
  pattern: '\\+?[0-9][0-9 ()-]{5,22}',
};

const LINK = 'On your phone open WhatsApp → Settings → Linked devices → Link a device';

type Signal = { kind: 'qr' | 'code' | 'ready' | 'failed'; data: string };

export function whatsappLogin(
  ctx: WhatsAppContext,
  pool: ClientPool,
  flowId: string,
  user: MatrixActor,
): LoginProcess {
  const timeoutS = ctx.config.login_timeout_seconds;
  const deadline = Date.now() + timeoutS * 1000;
  const signals: Signal[] = [];
  let wake: (() => void) | undefined;
  let client: WhatsAppClient | undefined;
  let shown = '';
  const signal = (s: Signal) => {
    signals.push(s);
    wake?.();
  };

  async function open(): Promise<WhatsAppClient> {
    const c = pool.open(newSessionId(randomBytes(8).toString('hex')));
    client = c;
    c.driver.on('qr', (data) => signal({ kind: 'qr', data }));
    c.driver.on('code', (data) => signal({ kind: 'code', data }));
    c.driver.on('ready', () => signal({ kind: 'ready', data: '' }));
    c.driver.on('auth_failure', (data) => signal({ kind: 'failed', data }));
    c.driver.on('disconnected', (data) => signal({ kind: 'failed', data }));
    try {
      await c.driver.initialize();
    } catch (err) {
      ctx.log.error('WhatsApp Web did not start for a login', { error: String(err) });
      throw new BridgeError('remote_unreachable', 'WhatsApp Web did not start; try again later');
    }
    return c;
  }

  /** The next signal this flow cares about, or a timeout error at the deadline. */
  async function next(wanted: (s: Signal) => boolean): Promise<Signal> {
    for (;;) {
      const s = signals.shift();
      if (s && wanted(s)) return s;
      if (s) continue;
      const left = deadline - Date.now();
      if (left <= 0) {
        const what = flowId === 'phone' ? 'the pairing code was not entered' : 'the QR code was not scanned';
        throw new BridgeError(
          'not_logged_in',
          `${what} within ${timeoutS} seconds; send \`login whatsapp\` to try again`,
        );
      }
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
      wake = undefined;
    }
  }

  const display = (kind: 'qr' | 'code', data: string): LoginStep => ({
    type: 'display_and_wait',
    stepId: kind,
    instructions:
      kind === 'qr'
        ? `${LINK}, and scan this QR code. A new code appears here when WhatsApp replaces it.`
        : `${LINK} → Link with phone number instead, and enter this code:`,
    display: { kind, data },
  });

  /** Waits for the next thing to show the user: a new QR code or pairing code, or the end. */
  async function step(): Promise<LoginStep> {
    for (;;) {
      const s = await next((s) => s.kind !== (flowId === 'phone' ? 'qr' : 'code'));
      if (s.kind === 'ready') return complete();
      if (s.kind === 'failed')
        throw new BridgeError('bad_credentials', `WhatsApp refused the login (${s.data})`);
      if (s.data === shown) continue;
      shown = s.data;
      return display(s.kind, s.data);
    }
  }

  async function complete(): Promise<LoginStep> {
    const c = client as WhatsAppClient;
    const info = c.driver.getClientInfo();
    if (!info) throw new BridgeError('internal', 'WhatsApp did not say which account logged in');
    const remoteId = userIdOf(info.wid._serialized);
    // Logging in again with the same account replaces the login: its old session is useless now.
    for (const old of await ctx.listLogins(user.userId)) {
      const oldSession = sessionIdOf(old.credentials);
      if (old.remoteId === remoteId && oldSession && oldSession !== c.sessionId)
        await pool.forget(oldSession);
    }
    pool.handOff(c);
    const number = `+${info.wid.user}`;
    return {
      type: 'complete',
      login: {
        remoteId,
        remoteName: info.pushname ? `${info.pushname} (${number})` : number,
        credentials: { sessionId: c.sessionId },
      },
    };
  }

  return {
    async start() {
      if (flowId === 'phone')
        return {
          type: 'user_input',
          stepId: 'phone',
          instructions: 'Log in to WhatsApp with a pairing code',
          fields: [PHONE],
        };
      await open();
      return step();
    },
    async submit(input) {
      const digits = phoneDigits(input.phone ?? '');
      if (!digits)
        throw new BridgeError('invalid_input', 'that is not a phone number in international format');
      const c = await open();
      // WhatsApp Web accepts a pairing request only once its login screen (the first QR) is up.
      await next((s) => s.kind === 'qr');
      shown = await c.driver.requestPairingCode(digits);
      return display('code', shown);
    },
    wait: step,
    async cancel() {
      const c = client;
      client = undefined;
      // A client the login's session took over is the session's now.
      if (!c || pool.ownedBySession(c)) return;
      await pool.close(c);
      await pool.forget(c.sessionId);
    },
  };
}
