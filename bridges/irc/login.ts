/**
 * IRC logins are optional: everyone gets a puppet without one. A login only adds the user's IRC
 * account (registered with NickServ) so their puppet is identified: by SASL PLAIN while connecting,
 * or by `IDENTIFY` to NickServ right after. One login per IRC network; the core stores the
 * credentials encrypted and hands them back decrypted.
 */
import {
  BridgeError,
  type LoginField,
  type LoginFlow,
  type LoginProcess,
  type MatrixActor,
} from '../../src/sdk';
import type { IrcNetwork } from './client';
import type { IrcContext } from './config';
import type { ConnCredentials } from './connection';

/** What a login stores (encrypted by the core). */
export interface IrcLoginCredentials {
  readonly method: 'sasl' | 'nickserv';
  readonly account: string;
  readonly password: string;
}

export const LOGIN_FLOWS: readonly LoginFlow[] = [
  {
    id: 'sasl',
    name: 'SASL',
    description: 'your IRC account, logged in with SASL PLAIN when your IRC connection opens',
  },
  {
    id: 'nickserv',
    name: 'NickServ',
    description: 'your IRC account, identified by a message to NickServ after connecting',
  },
];

function isCredentials(v: unknown): v is IrcLoginCredentials {
  const c = v as Partial<IrcLoginCredentials> | null;
  return (
    !!c &&
    (c.method === 'sasl' || c.method === 'nickserv') &&
    typeof c.account === 'string' &&
    typeof c.password === 'string'
  );
}

/** The stored credentials of `userId` for IRC network `network`, or null. */
export async function credentialsFor(
  ctx: IrcContext,
  userId: string,
  network: string,
): Promise<ConnCredentials | null> {
  const login = (await ctx.listLogins(userId)).find((l) => l.remoteId === network);
  if (!login || !isCredentials(login.credentials)) return null;
  const { method, account, password } = login.credentials;
  return { method, account, password, loginId: login.id };
}

/**
 * `login irc [sasl|nickserv]`: the network (when there are several), account and password; then
 * the user's puppet (re)connects with them, so a wrong password is reported now, not later.
 */
export function ircLogin(
  networks: ReadonlyMap<string, IrcNetwork>,
  flowId: string,
  user: MatrixActor,
): LoginProcess {
  const method = flowId === 'nickserv' ? 'nickserv' : 'sasl';
  const ids = [...networks.keys()];
  const fields: LoginField[] = [
    ...(ids.length > 1
      ? [
          {
            id: 'network',
            label: `Network (${ids.join(', ')})`,
            type: 'text',
            pattern: `(${ids.join('|')})`,
          } as const,
        ]
      : []),
    { id: 'account', label: 'Account name', type: 'text', pattern: '[^\\s]{1,64}' },
    { id: 'password', label: 'Password', type: 'password', pattern: '[^\\s]{1,256}' },
  ];
  return {
    start: async () => ({
      type: 'user_input',
      stepId: 'account',
      instructions: `Log in to your IRC account (${method === 'sasl' ? 'SASL' : 'NickServ IDENTIFY'})`,
      fields,
    }),
    async submit(input) {
      const networkId = input.network ?? ids[0] ?? '';
      const net = networks.get(networkId);
      const account = input.account ?? '';
      const password = input.password ?? '';
      if (!net) throw new BridgeError('invalid_input', `no IRC network ${networkId}`);
      const credentials: ConnCredentials = { method, account, password, loginId: '' };
      const conn = await net.puppet(user, credentials);
      if ((await conn.identified) === false)
        throw new BridgeError('bad_credentials', `NickServ on ${net.name} refused the account or password`);
      const remoteName = `${account} on ${net.name}`;
      return {
        type: 'complete',
        login: { remoteId: net.id, remoteName, credentials: { method, account, password } },
      };
    },
    cancel: async () => undefined,
  };
}
