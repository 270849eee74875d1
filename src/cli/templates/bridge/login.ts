import type { LoginField, LoginFlow, LoginProcess } from '../../../sdk';
import { TmplnetClient } from './client';
import type { TmplnetContext } from './config';

/** The one way to log in. Networks with QR codes add a `display_and_wait` step (see the example module). */
export const LOGIN_FLOW: LoginFlow = {
  id: 'token',
  name: 'Access token',
  description: 'A user name and a token',
};

// Patterns are checked by the core before `submit` sees the values; a password field is redacted in Matrix.
const fields: LoginField[] = [
  { id: 'username', label: 'Username', type: 'text', pattern: '[a-z][a-z0-9_]{1,31}' },
  { id: 'token', label: 'Access token', type: 'password', pattern: 'tok-\\S+' },
];

/** A login attempt: `user_input` → `complete`. The credentials are encrypted at rest by the core. */
export function tmplnetLogin(ctx: TmplnetContext): LoginProcess {
  return {
    start: async () => ({
      type: 'user_input',
      stepId: 'credentials',
      instructions: 'Log in to Tmplnet',
      fields,
    }),
    async submit(input) {
      const [username = '', token = ''] = [input.username, input.token];
      // Try the credentials before storing them: a BridgeError here is shown to the user.
      const probe = new TmplnetClient(ctx.config.server, token);
      await probe.connect();
      await probe.disconnect();
      return {
        type: 'complete',
        login: { remoteId: username, remoteName: username, credentials: { token } },
      };
    },
    cancel: async () => undefined,
  };
}
