import { setTimeout as sleep } from 'node:timers/promises';
import { BridgeError, type LoginField, type LoginFlow, type LoginProcess } from '../../src/sdk';
import type { ExampleContext } from './config';

/** The one way to log in: a username and token, then a QR code that scans itself. */
export const LOGIN_FLOW: LoginFlow = { id: 'qr', name: 'QR code', description: 'A token, then a QR code' };

const fields: LoginField[] = [
  { id: 'username', label: 'Username', type: 'text', pattern: '[a-z]{2,16}' },
  { id: 'token', label: 'Token (ex-…)', type: 'password', pattern: 'ex-\\w{4,}' },
];

/** A login attempt: `user_input` → `display_and_wait` (a QR code, "scanned" after the delay) → `complete`. */
export function exampleLogin(ctx: ExampleContext): LoginProcess {
  let [username, token] = ['', ''];
  return {
    start: async () => ({ type: 'user_input', stepId: 'account', instructions: 'Log in to Example', fields }),
    async submit(input) {
      [username = '', token = ''] = [input.username, input.token];
      if (ctx.config.contacts.includes(username)) throw new BridgeError('invalid_input', 'name taken');
      const display = { kind: 'qr', data: `example:login:${username}` } as const;
      return { type: 'display_and_wait', stepId: 'qr', instructions: 'Scan this QR code', display };
    },
    async wait() {
      await sleep(ctx.config.reply_delay_ms); // the QR code "scans itself"
      return { type: 'complete', login: { remoteId: username, remoteName: username, credentials: token } };
    },
  };
}
