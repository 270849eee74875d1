import { BridgeError, type LoginRecord, type RemoteSession } from '../../../sdk';
import { TmplnetClient, tmplnetNetwork } from './client';
import type { TmplnetContext } from './config';
import { dmId, USER_NAME } from './ids';
import { chatInfo, toMatrix } from './to-matrix';

/**
 * The session of a stored login: what Matrix users do, sent to the network. Reactions are not
 * implemented yet, so the manifest says `reactions: false` and the core answers "not supported"
 * itself; add `sendReaction`/`removeReaction` here and flip the flag in index.ts.
 */
export function tmplnetSession(ctx: TmplnetContext, login: LoginRecord): RemoteSession {
  const { token } = login.credentials as { token: string };
  const client = new TmplnetClient(ctx.config.server, token);
  client.onEvent = toMatrix(ctx, login);
  tmplnetNetwork.clients.set(login.id, client);
  return {
    // The core reports `connecting` before this and `connected` once it resolves.
    connect: () => client.connect(),
    disconnect: () => client.disconnect(),
    sendMessage: async (portal, msg) => ({ remoteId: await client.send(portal.chat.id, msg.body) }),
    editMessage: (portal, target, msg) => client.edit(portal.chat.id, target.remoteId, msg.body),
    redactMessage: (portal, target) => client.delete(portal.chat.id, target.remoteId),
    async resolveIdentifier(name) {
      if (!USER_NAME.test(name))
        throw new BridgeError('invalid_input', `"${name}" is not a Tmplnet user name`);
      return { chat: { id: dmId(name), receiver: login.id }, info: chatInfo(dmId(name)), user: { id: name } };
    },
    async logout() {
      await client.disconnect();
      tmplnetNetwork.clients.delete(login.id);
    },
  };
}
