import type { RemoteChatRef, RemoteUserRef } from '../sdk/ids';
import type { RemoteChatInfo, RemoteUserInfo } from '../sdk/remote-events';

/**
 * Looks up what a module left out of an event: the profile of a remote user met for the first
 * time, the facts of a chat whose portal is being created (SDK 1.2). The login manager answers
 * through a live session's `getUserInfo` / `getChatInfo`, preferring the chat's own login;
 * `undefined` when no session can say, or the lookup failed (it is logged).
 */
export interface RemoteDescriber {
  describeUser(network: string, user: RemoteUserRef, receiver?: string): Promise<RemoteUserInfo | undefined>;
  describeChat(network: string, chat: RemoteChatRef): Promise<RemoteChatInfo | undefined>;
}
