/**
 * Text both ways, echo suppression and hostile input: the paths every module has, so these never
 * depend on a declared capability.
 */
import { bodyOf, type KitRun } from './kit-run';
import type { Outcome } from './outcome';

/** A remote message arrives as the right ghost, and the core maps its event to the remote id. */
export async function checkTextIn(k: KitRun): Promise<Outcome> {
  const text = `kit says hello ${k.nonce()}`;
  const incoming = await k.receive(text);
  const want = k.runtime.ns.ghostUserId(incoming.said.sender);
  if (incoming.event.sender !== want)
    throw new Error(
      `sent by ${incoming.event.sender}, expected the ghost of "${incoming.said.sender}" (${want})`,
    );
  const row = await k.mapping(incoming.event.event_id);
  if (row.remote_id !== incoming.said.id)
    throw new Error(
      `the event is mapped to remote id ${row.remote_id}, but the remote message is ${incoming.said.id}`,
    );
  k.incoming = incoming;
}

/** A Matrix message reaches the remote side, and the core maps it to the id the network gave. */
export async function checkTextOut(k: KitRun): Promise<Outcome> {
  k.outgoing = await k.sendOut(`kit hello from Matrix ${k.nonce()}`);
}

/**
 * The network hands our own message back (when the driver can make it), then the remote side
 * says something after it; events of one chat are delivered in order, so once that arrives an
 * echo would have arrived too. Exactly one copy of the Matrix message may be in the room.
 */
export async function checkEcho(k: KitRun): Promise<Outcome> {
  const body = `kit echo test ${k.nonce()}`;
  const sent = await k.sendOut(body);
  if (k.driver.remoteEchoes) await k.driver.remoteEchoes(k.chat, sent.action);
  await k.receive(`kit after the echo ${k.nonce()}`);
  const copies = (await k.user.messages(k.chat.roomId, { limit: 50 })).filter(
    (e) => e.type === 'm.room.message' && bodyOf(e) === body,
  );
  if (copies.length !== 1)
    throw new Error(
      `${copies.length} copies of the message are in the room, from ${copies.map((e) => e.sender).join(', ')}`,
    );
  if (!k.driver.remoteEchoes)
    return {
      status: 'passed',
      detail: 'the driver has no remoteEchoes: checked only that nothing came back by itself',
    };
}

/** What a hostile remote user might send: markup, a script, an event handler and a room mention. */
export const HOSTILE = '**kit** <script>alert(1)</script> <img src=x onerror=alert(1)> <b>raw</b> & @room';

/** Remote text is escaped before formatting is added, and `@room` does not become a room mention. */
export async function checkEscaping(k: KitRun): Promise<Outcome> {
  const marker = k.nonce();
  const { event } = await k.receive(`${HOSTILE} ${marker}`, marker);
  const content = event.content as { formatted_body?: unknown; 'm.mentions'?: { room?: unknown } };
  const html = typeof content.formatted_body === 'string' ? content.formatted_body : '';
  // Real tags only: escaped text (`&lt;img onerror=…&gt;`) is exactly what should be there.
  const tags = html.match(/<[a-z][^>]*>/gi) ?? [];
  const problems = [
    tags.some((t) => /^<script/i.test(t)) && 'a <script> element',
    tags.some((t) => /^<img/i.test(t)) && 'an <img> element',
    tags.some((t) => /\son\w+\s*=/i.test(t)) && 'an event handler attribute',
    // Networks whose own dialect is HTML may legitimately send <b>; for the rest it is remote text.
    k.caps.formatting !== 'html' && /<b>raw/i.test(html) && 'the remote text "<b>raw</b>" as markup',
    content['m.mentions']?.room === true && 'an @room mention',
  ].filter((p): p is string => !!p);
  if (problems.length > 0)
    throw new Error(
      `the Matrix event carries ${problems.join(', ')}: escape remote text before adding formatting (formatted_body: ${html})`,
    );
}
