import { setTimeout as sleep } from 'node:timers/promises';
import { BridgeError, type CompletedLogin, type LoginField, type LoginProcess } from '../../src/sdk';
import type { ExampleContext } from './config';

const fields: LoginField[] = [
  { id: 'username', label: 'Username', type: 'text', pattern: '[a-z]{2,16}' },
  { id: 'token', label: 'Token (ex-…)', type: 'password', pattern: 'ex-\\w{4,}' },
];

/**
 * The one way to log in: `user_input` (a username and token) → `display_and_wait` (a QR code,
 * which "scans itself" after the reply delay) → `complete`.
 */
export function exampleLogin(ctx: ExampleContext): LoginProcess {
  let login: CompletedLogin = { remoteId: '', remoteName: '', credentials: '' };
  return {
    start: async () => ({ type: 'user_input', stepId: 'account', instructions: 'Log in to Example', fields }),
    async submit(input) {
      const [name = '', credentials = ''] = [input.username, input.token];
      if (ctx.config.contacts.includes(name)) throw new BridgeError('invalid_input', 'name taken');
      login = { remoteId: name, remoteName: name, credentials };
      const display = { kind: 'qr', data: `example:login:${name}` } as const;
      return { type: 'display_and_wait', stepId: 'qr', instructions: 'Scan this QR code', display };
    },
    wait: () => sleep(ctx.config.reply_delay_ms, { type: 'complete', login } as const),
  };
}
