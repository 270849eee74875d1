/**
 * WhatsApp chats through the real core and Synapse (fake driver): text with formatting and
 * mentions, replies, media, edits, reactions and revokes both ways, no echoes, own messages
 * from the phone, groups with their metadata, and start-chat.
 */
import type { WAMessage } from '../../../bridges/whatsapp/driver';
import { command, waitForText } from '../../e2e/e2e-helpers';
import type { FakeWhatsAppDriver } from '../../fakes/whatsapp/fake-driver';
import type { MatrixEvent, TestMatrixClient } from '../../harness/matrix-test-client';
import { ALICE, BOB, ghost, jid, loginByQr, startWhatsAppWorld, type WhatsAppWorld } from './e2e-setup';
import { eventually, PNG } from './helpers';

jest.setTimeout(120_000);

const CAROL = '3711111111';
const content = <T = Record<string, unknown>>(e: MatrixEvent) => e.content as T;
const relation = (e: MatrixEvent) => content<{ 'm.relates_to'?: Record<string, unknown> }>(e)['m.relates_to'];

describe('WhatsApp messages e2e', () => {
  let w: WhatsAppWorld;
  let dana: TestMatrixClient;
  let mgmt: string;
  let alice: FakeWhatsAppDriver;
  let dm: string;
  /** Dana's first Matrix message, and Bob's copy of it. */
  let hello: string;
  let helloOnBob: WAMessage;
  /** A message of Bob's in Matrix. */
  let fromBob: MatrixEvent;

  beforeAll(async () => {
    w = await startWhatsAppWorld({ backfill: { messages: 0, chats: 0 }, max_media_bytes: 1024 * 1024 });
    dana = await w.h.user('dana');
    ({ mgmt, driver: alice } = await loginByQr(w, dana, ALICE, 'Dana', (d) =>
      d.addContact({ id: jid(BOB), pushname: 'Bob' }),
    ));
  });
  afterAll(() => w?.stop());

  it('creates the DM portal on the first message, with WhatsApp formatting as escaped HTML', async () => {
    await w.bob.sendMessage(jid(ALICE), '*Hi* _there_ ~old~ ```code``` <b>raw</b> & more');
    dm = (await dana.waitForInvite()).roomId;
    await dana.join(dm);
    const msg = await waitForText(dana, dm, 'raw', ghost(BOB));
    expect(content(msg)).toMatchObject({
      format: 'org.matrix.custom.html',
      formatted_body:
        '<strong>Hi</strong> <em>there</em> <del>old</del> <code>code</code> &lt;b&gt;raw&lt;/b&gt; &amp; more',
    });
    expect((await dana.getProfile(ghost(BOB))).displayname).toBe('Bob');
  });

  it('sends Matrix HTML as WhatsApp markup with real mentions, and never echoes it back', async () => {
    const got = w.bob.waitFor('message');
    hello = await dana.sendMessage(dm, {
      msgtype: 'm.text',
      body: 'Hello Bob',
      format: 'org.matrix.custom.html',
      formatted_body: `<strong>Hello</strong> <a href="https://matrix.to/#/${ghost(BOB)}">Bob</a>`,
      'm.mentions': { user_ids: [ghost(BOB)] },
    });
    [helloOnBob] = await got;
    expect(helloOnBob.body).toBe('*Hello* @3798765432');
    expect(helloOnBob.mentionedIds).toEqual([jid(BOB)]);
    await eventually(() => w.h.bridge.store.messages.byEventId(hello), 'the mapping of the sent message');
    await w.bob.sendMessage(jid(ALICE), 'marker after hello');
    await waitForText(dana, dm, 'marker after hello', ghost(BOB));
    const echoes = (await dana.messages(dm, { limit: 30 })).filter((e) => e.sender === ghost(ALICE));
    expect(echoes).toHaveLength(0);
  });

  it('bridges replies both ways', async () => {
    await w.bob.sendMessage(jid(ALICE), 'a reply from Bob', { quotedMessageId: helloOnBob.id._serialized });
    const reply = await waitForText(dana, dm, 'a reply from Bob', ghost(BOB));
    fromBob = reply;
    expect(relation(reply)).toEqual({ 'm.in_reply_to': { event_id: hello } });

    const got = w.bob.waitFor('message');
    await dana.sendMessage(dm, {
      msgtype: 'm.text',
      body: 'answering',
      'm.relates_to': { 'm.in_reply_to': { event_id: reply.event_id } },
    });
    const [answer] = await got;
    expect(answer.body).toBe('answering');
    expect((await answer.getQuotedMessage())?.body).toBe('a reply from Bob');
  });

  it('bridges WhatsApp images, voice notes, documents, locations and over-limit files into Matrix', async () => {
    const data = PNG.toString('base64');
    await w.bob.sendMessage(
      jid(ALICE),
      { mimetype: 'image/png', data, filename: 'pixel.png' },
      { caption: 'a pixel' },
    );
    const image = await waitForText(dana, dm, 'a pixel', ghost(BOB));
    expect(content(image)).toMatchObject({
      msgtype: 'm.image',
      filename: 'pixel.png',
      info: { mimetype: 'image/png' },
    });
    expect((await dana.downloadMedia(String(content(image).url))).data.equals(PNG)).toBe(true);
    expect(alice.calls.some((c) => c.method === 'message.downloadMedia')).toBe(true);

    const ogg = { mimetype: 'audio/ogg; codecs=opus', data: Buffer.from('OggS voice').toString('base64') };
    await w.bob.sendMessage(jid(ALICE), ogg, { sendAudioAsVoice: true });
    const voice = await dana.waitForEvent(dm, (e) => content(e).msgtype === 'm.audio');
    expect(content(voice)).toMatchObject({ body: 'voice.ogg', 'org.matrix.msc3245.voice': {} });

    const pdf = {
      mimetype: 'application/pdf',
      data: Buffer.from('%PDF-1.4').toString('base64'),
      filename: 'plan.pdf',
    };
    await w.bob.sendMessage(jid(ALICE), pdf, { sendMediaAsDocument: true });
    const doc = await dana.waitForEvent(dm, (e) => content(e).msgtype === 'm.file');
    expect(content(doc)).toMatchObject({ body: 'plan.pdf', info: { mimetype: 'application/pdf' } });

    alice.incomingMessage({
      from: jid(BOB),
      location: { latitude: 52.52, longitude: 13.405, name: 'Berlin' },
    });
    const place = await dana.waitForEvent(dm, (e) => content(e).msgtype === 'm.location');
    expect(content(place)).toMatchObject({ geo_uri: 'geo:52.52,13.405', body: 'Berlin (geo:52.52,13.405)' });

    const big = { mimetype: 'video/mp4', data: Buffer.alloc(2 * 1024 * 1024).toString('base64') };
    const downloads = alice.calls.filter((c) => c.method === 'message.downloadMedia').length;
    await w.bob.sendMessage(jid(ALICE), big);
    await waitForText(dana, dm, /A video of 2\.0 MB was not bridged/, ghost(BOB));
    expect(alice.calls.filter((c) => c.method === 'message.downloadMedia')).toHaveLength(downloads);
  });

  it('sends Matrix files to WhatsApp as media with the caption', async () => {
    const mxc = await dana.uploadMedia(new Uint8Array(PNG), 'image/png', 'dana.png');
    const got = w.bob.waitFor('message');
    await dana.sendMessage(dm, {
      msgtype: 'm.image',
      body: 'my picture',
      filename: 'dana.png',
      url: mxc,
      info: { mimetype: 'image/png', size: PNG.length },
    });
    const [pic] = await got;
    expect(pic.type).toBe('image');
    expect(pic.body).toBe('my picture');
    expect(Buffer.from((await pic.downloadMedia())?.data ?? '', 'base64').equals(PNG)).toBe(true);
  });

  it('bridges WhatsApp edits, reactions, reaction removals and revokes into Matrix', async () => {
    const typo = await w.bob.sendMessage(jid(ALICE), 'teh typo');
    const original = await waitForText(dana, dm, 'teh typo', ghost(BOB));
    await typo.edit('the typo');
    const edit = await dana.waitForEvent(dm, (e) => relation(e)?.rel_type === 'm.replace');
    expect(content(edit)).toMatchObject({ 'm.new_content': { body: 'the typo' } });
    expect(relation(edit)?.event_id).toBe(original.event_id);

    await helloOnBob.react('👍');
    const reaction = await dana.waitForEvent(dm, (e) => e.type === 'm.reaction' && e.sender === ghost(BOB));
    expect(relation(reaction)).toEqual({ rel_type: 'm.annotation', event_id: hello, key: '👍' });
    await helloOnBob.react('');
    await dana.waitForEvent(dm, (e) => e.type === 'm.room.redaction' && e.redacts === reaction.event_id);

    await typo.delete(true);
    await dana.waitForEvent(dm, (e) => e.type === 'm.room.redaction' && e.redacts === original.event_id);
  });

  it('bridges Matrix edits, reactions and redactions to WhatsApp without echoes', async () => {
    const gotDraft = w.bob.waitFor('message');
    const draft = await dana.sendMessage(dm, { msgtype: 'm.text', body: 'draft' });
    const [draftOnBob] = await gotDraft;

    const edited = w.bob.waitFor('message_edit');
    await dana.sendMessage(dm, {
      msgtype: 'm.text',
      body: '* final',
      'm.new_content': { msgtype: 'm.text', body: 'final' },
      'm.relates_to': { rel_type: 'm.replace', event_id: draft },
    });
    const [editedMsg, newBody] = await edited;
    expect([editedMsg.id.id, newBody]).toEqual([draftOnBob.id.id, 'final']);

    const reacted = w.bob.waitFor('message_reaction');
    const reaction = await dana.sendReaction(dm, fromBob.event_id, '🎉');
    const [r] = await reacted;
    expect([r.reaction, r.senderId]).toEqual(['🎉', jid(ALICE)]);
    const unreacted = w.bob.waitFor('message_reaction');
    await dana.redact(dm, reaction);
    expect((await unreacted)[0].reaction).toBe('');

    const revoked = w.bob.waitFor('message_revoke_everyone');
    await dana.redact(dm, draft);
    expect((await revoked)[0].id.id).toBe(draftOnBob.id.id);

    await w.bob.sendMessage(jid(ALICE), 'marker after the Matrix changes');
    await waitForText(dana, dm, 'marker after the Matrix changes', ghost(BOB));
    const recent = await dana.messages(dm, { limit: 60 });
    expect(recent.filter((e) => e.sender === ghost(ALICE))).toHaveLength(0);
  });

  it("passes the Matrix user's read receipts and typing to WhatsApp", async () => {
    await dana.sendReceipt(dm, fromBob.event_id);
    await eventually(
      () => alice.calls.some((c) => c.method === 'sendSeen' && c.args[0] === jid(BOB)),
      'WhatsApp marking the chat seen',
    );
    // Reading there, or on the phone, is the user's own: without double puppeting it shows no
    // receipt, and above all does not bring the user's own ghost into the room.
    alice.readOnPhone(jid(BOB));
    await w.bob.sendMessage(jid(ALICE), 'marker after reading');
    await waitForText(dana, dm, 'marker after reading', ghost(BOB));
    await w.h.bridge.idle();
    expect(Object.keys(await dana.joinedMembers(dm))).not.toContain(ghost(ALICE));
    await dana.setTyping(dm, true);
    await eventually(
      () => alice.calls.some((c) => c.method === 'chat.sendStateTyping' && c.args[0] === jid(BOB)),
      'WhatsApp showing dana typing',
    );
    await dana.setTyping(dm, false);
    await eventually(
      () => alice.calls.some((c) => c.method === 'chat.clearState' && c.args[0] === jid(BOB)),
      'WhatsApp clearing the typing state',
    );
  });

  it('shows messages the user sent from the phone as their own ghost', async () => {
    alice.ownMessageFromPhone({ to: jid(BOB), body: 'typed on my phone' });
    const own = await waitForText(dana, dm, 'typed on my phone', ghost(ALICE));
    expect(own.sender).toBe(ghost(ALICE));
  });

  it('bridges a group with its name, topic and members, and syncs changes', async () => {
    const group = w.network.createGroup('Team', [ALICE, BOB, CAROL]);
    alice.addContact({ id: group, profilePicUrl: 'https://pps.whatsapp.net/v/team.jpg?oe=2' });
    await w.bob.sendMessage(group, 'hello team');
    const room = (await dana.waitForInvite((i) => i.roomId !== dm)).roomId;
    await dana.join(room);
    await waitForText(dana, room, 'hello team', ghost(BOB));
    expect(await dana.getState(room, 'm.room.name')).toEqual({ name: 'Team' });
    // The group picture is the room avatar (DMs keep the partner's ghost avatar instead).
    const avatar = await eventually(async () => {
      const state = await dana.getState(room, 'm.room.avatar').catch(() => null);
      return typeof state?.url === 'string' ? state.url : null;
    }, 'the room avatar');
    expect(avatar).toMatch(/^mxc:\/\//);
    expect(w.pictures.urls).toContain('https://pps.whatsapp.net/v/team.jpg?oe=2');
    await eventually(async () => ghost(CAROL) in (await dana.joinedMembers(room)), 'Carol to be a member');

    alice.groupUpdate({ chatId: group, type: 'subject', author: jid(BOB), body: 'Team 2' });
    await dana.waitForEvent(room, (e) => e.type === 'm.room.name' && content(e).name === 'Team 2');
    alice.groupUpdate({ chatId: group, type: 'description', author: jid(BOB), body: 'We build things' });
    await dana.waitForEvent(room, (e) => e.type === 'm.room.topic' && content(e).topic === 'We build things');
    alice.groupUpdate({ chatId: group, type: 'add', author: jid(BOB), recipientIds: [jid('3722222222')] });
    await eventually(async () => ghost('3722222222') in (await dana.joinedMembers(room)), 'the added member');
    alice.groupUpdate({ chatId: group, type: 'leave', author: jid(CAROL), recipientIds: [jid(CAROL)] });
    await eventually(async () => !(ghost(CAROL) in (await dana.joinedMembers(room))), 'Carol to leave');

    // And back: renaming the room renames the group; its topic is the group's description. Dana
    // owns her chats' rooms: she has the power to (50), not to change power levels.
    const levels = await dana.getState(room, 'm.room.power_levels');
    expect((levels.users as Record<string, number>)[dana.userId]).toBe(50);
    await dana.sendState(room, 'm.room.name', '', { name: 'Team 3' });
    await dana.sendState(room, 'm.room.topic', '', { topic: 'We ship things' });
    const call = (method: string, arg: string) => () =>
      alice.calls.some((c) => c.method === method && c.args[0] === group && c.args[1] === arg);
    await eventually(call('chat.setSubject', 'Team 3'), 'the group renamed on WhatsApp');
    await eventually(call('chat.setDescription', 'We ship things'), 'the group description on WhatsApp');
  });

  it('removes a group member on WhatsApp when the room owner kicks their ghost, if a group admin', async () => {
    const groupRoom = async (subject: string, admins: string[]) => {
      const group = w.network.createGroup(subject, [ALICE, BOB, CAROL], admins);
      await w.bob.sendMessage(group, `hello ${subject}`);
      const named = (i: { state: { type: string; content: Record<string, unknown> }[] }) =>
        i.state.some((e) => e.type === 'm.room.name' && e.content.name === subject);
      const room = (await dana.waitForInvite(named)).roomId;
      await dana.join(room);
      await eventually(async () => ghost(CAROL) in (await dana.joinedMembers(room)), 'Carol in the room');
      return { group, room };
    };
    const mine = await groupRoom('Admins', [ALICE]);
    await dana.kick(mine.room, ghost(CAROL), 'bye');
    await eventually(
      () => alice.calls.some((c) => c.method === 'chat.removeParticipants' && c.args[0] === mine.group),
      'Carol removed on WhatsApp',
    );
    // Not an admin there: WhatsApp refuses, and the room says so.
    const theirs = await groupRoom('Bobs', [BOB]);
    await dana.kick(theirs.room, ghost(CAROL), 'bye');
    await waitForText(dana, theirs.room, 'only group admins may', w.bot);
  });

  it('starts a chat by phone number, and says when a number is not on WhatsApp', async () => {
    w.network.registered.add(jid('3733333333'));
    const ready = await command(dana, mgmt, w.bot, 'start-chat whatsapp +37 333-333 33', 'Chat ready');
    const invite = await dana.waitForInvite(
      (i) => ready.content.body !== undefined && String(ready.content.body).includes(i.roomId),
    );
    expect(invite.roomId).toMatch(/^!/);
    await command(dana, mgmt, w.bot, 'start-chat whatsapp +1 555 0100', 'is not on WhatsApp');
  });
});
