/**
 * The tests' side of the example network: contacts who act on their own, not only in answer to
 * the user (the module's script, bridges/example/client.ts). They act through a login's client,
 * as the network would deliver it, so the module's own `to-matrix.ts` turns it into remote events.
 */
import { randomUUID } from 'node:crypto';
import { exampleNetwork, type FakeClient, type NetEvent } from '../../bridges/example/client';

/** The client of `loginId`'s session; throws when that login has none (not loaded yet, or gone). */
export function exampleClient(loginId: string): FakeClient {
  const client = exampleNetwork.clients.get(loginId);
  if (!client) throw new Error(`no Example client for login ${loginId}`);
  return client;
}

/** `from` does `event` in `chat`, as `loginId`'s client sees it. */
export const contactDoes = (loginId: string, chat: string, from: string, event: NetEvent): Promise<void> =>
  exampleClient(loginId).onEvent(chat, from, event);

/** `from` writes `said` in `chat` (by default their DM); resolves with the message's id. */
export async function contactSays(loginId: string, from: string, said: string, chat = `dm:${from}`) {
  const id = randomUUID();
  await contactDoes(loginId, chat, from, { type: 'message', id, parts: [{ kind: 'text', text: said }] });
  return id;
}
