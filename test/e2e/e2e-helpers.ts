import type { MatrixEvent } from '../harness/matrix-sync';
import type { TestMatrixClient } from '../harness/matrix-test-client';
import type { BridgeHarness } from '../support/bridge-harness';

export const body = (e: MatrixEvent): string =>
  String((e.content as { body?: unknown } | undefined)?.body ?? '');

/** Waits for a message from `sender` (any sender when omitted) whose body matches. */
export async function waitForText(
  client: TestMatrixClient,
  roomId: string,
  match: string | RegExp,
  sender?: string,
  timeoutMs = 20_000,
): Promise<MatrixEvent> {
  try {
    return await client.waitForEvent(
      roomId,
      (e) =>
        e.type === 'm.room.message' &&
        (!sender || e.sender === sender) &&
        (typeof match === 'string' ? body(e).includes(match) : match.test(body(e))),
      timeoutMs,
    );
  } catch (err) {
    // Show what the room did say: a timeout alone says nothing about why.
    const recent = (await client.messages(roomId, { limit: 10 }).catch(() => []))
      .reverse()
      .map((e) => `  ${e.sender} ${e.type}: ${body(e).slice(0, 200)}`);
    throw new Error(`${(err as Error).message}; wanted ${String(match)}; room said:\n${recent.join('\n')}`);
  }
}

/** Opens a DM with the bridge bot and waits for its welcome: the management room. */
export async function openManagementRoom(client: TestMatrixClient, botUserId: string): Promise<string> {
  const roomId = await client.createRoom({
    invite: [botUserId],
    is_direct: true,
    preset: 'trusted_private_chat',
  });
  await waitForText(client, roomId, 'management room', botUserId);
  return roomId;
}

/** Sends a command and waits for the bot's answer containing `expect`. */
export async function command(
  client: TestMatrixClient,
  roomId: string,
  botUserId: string,
  text: string,
  expect: string | RegExp,
): Promise<MatrixEvent> {
  await client.sendMessage(roomId, { msgtype: 'm.text', body: text });
  return waitForText(client, roomId, expect, botUserId);
}

/** Logs `client` in to the example network through the management room (token `ex-secrettoken`). */
export async function loginExample(
  client: TestMatrixClient,
  roomId: string,
  botUserId: string,
  username: string,
): Promise<void> {
  await command(client, roomId, botUserId, 'login example', 'Username?');
  await command(client, roomId, botUserId, username, 'Token');
  await command(client, roomId, botUserId, 'ex-secrettoken', 'Logged in');
}

/** `start-chat` through the management room; joins and returns the portal room. */
export async function startChat(
  client: TestMatrixClient,
  roomId: string,
  botUserId: string,
  args: string,
): Promise<string> {
  const ready = await command(client, roomId, botUserId, `start-chat ${args}`, 'Chat ready');
  const portal = (await client.waitForInvite((i) => body(ready).includes(i.roomId))).roomId;
  await client.join(portal);
  return portal;
}

/**
 * A new Matrix user `localpart`, logged in to the example network (under the same name) through
 * the management room, with a DM portal to `contact` joined.
 */
export async function exampleUserWithChat(
  h: BridgeHarness,
  localpart: string,
  contact: string,
): Promise<{ client: TestMatrixClient; portal: string; loginId: string }> {
  const bot = h.bridge.botUserId;
  const client = await h.user(localpart);
  const mgmt = await openManagementRoom(client, bot);
  await loginExample(client, mgmt, bot, localpart);
  const portal = await startChat(client, mgmt, bot, `example ${contact}`);
  const login = (await h.bridge.store.logins.list({ userId: client.userId }))[0];
  if (!login) throw new Error(`${localpart} has no login`);
  return { client, portal, loginId: login.id };
}
