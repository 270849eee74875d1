/**
 * Replies both ways, typing and read receipts out: capabilities a manifest declares that the
 * kit can only check where the driver sees them (`observes`, `remoteReplies`). Undeclared ones
 * do not apply: the core bridges a reply as a plain message, and typing and receipts are lossy
 * by nature, so there is no "not supported" notice to earn.
 */
import { bodyOf, relatesOf, type KitRun } from './kit-run';
import type { Outcome } from './outcome';
import type { Observable } from './types';

const notObserved = (what: Observable): Outcome => ({
  status: 'not_tested',
  detail: `the driver does not report ${what} (its observes list)`,
});

/** A Matrix reply to a remote message reaches the network as a reply to that message. */
export async function checkReplyOut(k: KitRun): Promise<Outcome> {
  if (!k.caps.replies) return { status: 'not_applicable' };
  if (!k.observes('replies')) return notObserved('replies');
  const target = k.incoming ?? (await k.receive(`kit reply target ${k.nonce()}`));
  const body = `kit reply ${k.nonce()}`;
  await k.reply(target.event.event_id, body);
  await k.remote(
    (a) => a.kind === 'message' && a.text.includes(body) && a.replyTo === target.said.id,
    `"${body}" as a reply to remote message ${target.said.id}`,
  );
}

/** A remote reply to the kit user's message arrives with `m.in_reply_to` pointing at it. */
export async function checkReplyIn(k: KitRun): Promise<Outcome> {
  if (!k.caps.replies) return { status: 'not_applicable' };
  if (!k.driver.remoteReplies) return { status: 'not_tested', detail: 'the driver has no remoteReplies' };
  const target = k.outgoing ?? (await k.sendOut(`kit reply target ${k.nonce()}`));
  const text = `kit remote reply ${k.nonce()}`;
  await k.driver.remoteReplies(k.chat, target.remoteId, text);
  await k.event(
    k.chat.roomId,
    (e) =>
      k.isGhost(e.sender) &&
      bodyOf(e).includes(text) &&
      (relatesOf(e)['m.in_reply_to'] as { event_id?: string } | undefined)?.event_id === target.eventId,
    'a ghost’s reply to the kit user’s message',
  );
}

/**
 * Typing in the portal shows as typing on the network. Only the start is required: some
 * networks have no "stopped typing" (Discord's ends by itself after 10 s).
 */
export async function checkTypingOut(k: KitRun): Promise<Outcome> {
  if (!k.caps.typing) return { status: 'not_applicable' };
  k.requireMethod('typing', 'setTyping');
  if (!k.observes('typing')) return notObserved('typing');
  // Only what arrives from now on counts: an earlier check may have typed already.
  const since = await k.remoteCount();
  await k.user.setTyping(k.chat.roomId, true);
  await k
    .remote((a) => a.kind === 'typing' && a.typing, 'typing', since)
    .finally(() => k.user.setTyping(k.chat.roomId, false).catch(() => undefined));
}

/** A read receipt on a remote message marks it read on the network. */
export async function checkReceiptOut(k: KitRun): Promise<Outcome> {
  if (!k.caps.readReceipts) return { status: 'not_applicable' };
  k.requireMethod('readReceipts', 'markRead');
  if (!k.observes('read')) return notObserved('read');
  const target = await k.receive(`kit read me ${k.nonce()}`);
  // Only a marker that comes after the message counts, so one from an earlier check cannot pass.
  const since = await k.remoteCount();
  await k.user.sendReceipt(k.chat.roomId, target.event.event_id);
  await k.remote(
    (a) => a.kind === 'read' && (a.upToId === undefined || a.upToId === target.said.id),
    `a read marker up to remote message ${target.said.id}`,
    since,
  );
}
