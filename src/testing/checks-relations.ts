/**
 * Edits, reactions and redactions both ways. A capability the manifest does not declare is
 * checked the other way round: the Matrix action must earn the core's "not supported" notice
 * (the core goes by the session's methods, so a module that declares `false` but implements the
 * method fails here — users would see a feature the module says it lacks).
 */
import { bodyOf, relatesOf, type KitRun } from './kit-run';
import type { Outcome } from './outcome';
import type { RemoteAction } from './types';

export type Relation = 'edits' | 'reactions' | 'redactions';

const METHOD: Record<Relation, string> = {
  edits: 'editMessage',
  reactions: 'sendReaction',
  redactions: 'redactMessage',
};
const HOOK = { edits: 'remoteEdits', reactions: 'remoteReacts', redactions: 'remoteRedacts' } as const;

/** Does the Matrix action on a fresh message of the kit user; returns the action's event id. */
async function actOut(
  k: KitRun,
  rel: Relation,
  n: string,
): Promise<{ eventId: string; remoteId: string; actionId: string }> {
  const target = await k.sendOut(`kit ${rel} target ${n}`);
  const actionId =
    rel === 'edits'
      ? await k.edit(target.eventId, `kit edited ${n}`)
      : rel === 'reactions'
        ? await k.react(target.eventId, '👍')
        : await k.redact(target.eventId);
  return { ...target, actionId };
}

/** Matrix → remote for one relation, or the "not supported" notice when it is not declared. */
export async function checkRelationOut(k: KitRun, rel: Relation): Promise<Outcome> {
  const n = k.nonce();
  const { remoteId, actionId } = await actOut(k, rel, n);
  if (!k.caps[rel]) {
    await k
      .bot(
        k.chat.roomId,
        (b) => /not supported|does not support/i.test(b),
        `"not supported" notice for ${rel}`,
      )
      .catch((err: Error) => {
        const hint = k.sessionsHave(METHOD[rel])
          ? ` The manifest declares ${rel}: false, but the session implements ${METHOD[rel]}, so the core used it.`
          : '';
        throw new Error(err.message + hint);
      });
    return { status: 'not_supported' };
  }
  k.requireMethod(rel, METHOD[rel]);
  if (rel === 'edits') {
    await k.remote(
      (a) => a.kind === 'edit' && a.targetId === remoteId && a.text.includes(`kit edited ${n}`),
      'the edit',
    );
  } else if (rel === 'redactions') {
    await k.remote((a) => a.kind === 'redaction' && a.targetId === remoteId, 'the redaction');
  } else {
    const is = (kind: RemoteAction['kind']) => (a: RemoteAction) =>
      a.kind === kind && 'key' in a && a.targetId === remoteId && a.key === '👍';
    await k.remote(is('reaction'), 'the reaction');
    await k.redact(actionId);
    await k.remote(is('reaction_remove'), 'the removal of the reaction (its redaction)');
  }
}

/** Remote → Matrix for one relation, through the driver's hook for it. */
export async function checkRelationIn(k: KitRun, rel: Relation): Promise<Outcome> {
  if (!k.caps[rel]) return { status: 'not_applicable' };
  const hook = HOOK[rel];
  if (!k.driver[hook]) return { status: 'not_tested', detail: `the driver has no ${hook}` };
  const n = k.nonce();
  const room = k.chat.roomId;
  if (rel === 'reactions') {
    const target = k.outgoing ?? (await k.sendOut(`kit reaction target ${n}`));
    await k.driver.remoteReacts?.(k.chat, target.remoteId, '🎉');
    await k.event(
      room,
      (e) =>
        e.type === 'm.reaction' &&
        k.isGhost(e.sender) &&
        relatesOf(e).event_id === target.eventId &&
        relatesOf(e).key === '🎉',
      'm.reaction 🎉 by a ghost on the kit user’s message',
    );
    return;
  }
  const { said, event } = await k.receive(`kit remote ${rel} target ${n}`);
  if (rel === 'edits') {
    await k.driver.remoteEdits?.(k.chat, said, `kit remote edited ${n}`);
    await k.event(
      room,
      (e) =>
        relatesOf(e).rel_type === 'm.replace' &&
        relatesOf(e).event_id === event.event_id &&
        e.sender === event.sender &&
        bodyOf({ ...e, content: (e.content['m.new_content'] ?? {}) as Record<string, unknown> }).includes(
          `kit remote edited ${n}`,
        ),
      'm.replace of the remote message by its ghost',
    );
  } else {
    await k.driver.remoteRedacts?.(k.chat, said);
    await k.event(
      room,
      (e) => e.type === 'm.room.redaction' && (e.redacts ?? e.content.redacts) === event.event_id,
      'm.room.redaction of the remote message',
    );
  }
}
