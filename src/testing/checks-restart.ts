/**
 * A restart of the core on the same database: the login is restored without asking the user
 * again, the portal stays the same room, and messages bridged before it can still be targeted.
 */
import { bodyOf, relatesOf, type KitRun } from './kit-run';
import type { Outcome } from './outcome';

const loginIds = async (k: KitRun) =>
  (await k.h.bridge.store.logins.list({ network: k.id, userId: k.user.userId })).map((l) => l.id).sort();

/** Restarts the bridge, then a Matrix message still reaches the remote side through the stored login. */
export async function checkRestartOut(k: KitRun): Promise<Outcome> {
  k.outgoing ??= await k.sendOut(`kit before restart ${k.nonce()}`);
  const before = await loginIds(k);
  await k.h.restartBridge();
  const after = await loginIds(k);
  if (before.join() !== after.join())
    throw new Error(`logins before the restart: ${before}; after: ${after}`);
  await k.sendOut(`kit after restart ${k.nonce()}`);
}

/**
 * After the restart, a remote message lands in the same room, and a remote reaction (or edit)
 * finds a message bridged before the restart through the stored mapping.
 */
export async function checkRestartIn(k: KitRun): Promise<Outcome> {
  await k.receive(`kit back after restart ${k.nonce()}`);
  const { outgoing, incoming, driver, caps } = k;
  if (caps.reactions && driver.remoteReacts && outgoing) {
    await driver.remoteReacts(k.chat, outgoing.remoteId, '🔁');
    await k.event(
      k.chat.roomId,
      (e) =>
        e.type === 'm.reaction' && relatesOf(e).event_id === outgoing.eventId && relatesOf(e).key === '🔁',
      'a reaction on the message bridged before the restart',
    );
    return;
  }
  if (caps.edits && driver.remoteEdits && incoming) {
    const text = `kit edited after restart ${k.nonce()}`;
    await driver.remoteEdits(k.chat, incoming.said, text);
    await k.event(
      k.chat.roomId,
      (e) =>
        relatesOf(e).rel_type === 'm.replace' &&
        relatesOf(e).event_id === incoming.event.event_id &&
        bodyOf(e).includes(text),
      'an edit of the message bridged before the restart',
    );
    return;
  }
  const target = outgoing ?? incoming?.event;
  if (
    target &&
    !(await k.h.bridge.store.messages.byEventId('eventId' in target ? target.eventId : target.event_id))
  )
    throw new Error('the mapping of a message bridged before the restart is gone');
  return { status: 'passed', detail: 'no remote reaction or edit hook: checked the stored mapping only' };
}
