/**
 * Direct messages and relay mode, end to end. Webhooks are switched off here (`use_webhooks:
 * false`), so channel messages go through the bot as `**Name**: text` with real Discord replies,
 * which is also how every DM works. Two Matrix users write to the same Discord user; answers go
 * to the right one.
 */
import type { TestMatrixClient } from '../../harness/matrix-test-client';
import { body, command, openManagementRoom, waitForText } from '../../e2e/e2e-helpers';
import {
  ALICE,
  alias,
  BOB,
  botOf,
  content,
  GENERAL,
  ghost,
  requestAfter,
  startDiscordBed,
  until,
  type DiscordTestBed,
} from './helpers';

jest.setTimeout(120_000);

describe('Discord DMs and relay mode e2e', () => {
  let bed: DiscordTestBed;
  let dana: TestMatrixClient;
  let erin: TestMatrixClient;
  let danaDm: string;
  let erinDm: string;
  let dmChannel: string;
  const isDmSend = (r: { method: string; path: string }) =>
    r.method === 'POST' && r.path === `/channels/${dmChannel}/messages`;

  beforeAll(async () => {
    bed = await startDiscordBed({ config: { use_webhooks: false } });
    await until(() => botOf(bed.h).state.kind === 'connected', 'the bot to connect');
    [dana, erin] = [await bed.h.user('dana'), await bed.h.user('erin')];
  });
  afterAll(() => bed?.stop());

  async function startChat(client: TestMatrixClient, who: string): Promise<string> {
    const bot = bed.h.bridge.botUserId;
    const mgmt = await openManagementRoom(client, bot);
    const ready = await command(client, mgmt, bot, `start-chat discord ${who}`, 'Chat ready');
    const invite = await client.waitForInvite((i) => body(ready).includes(i.roomId));
    await client.join(invite.roomId);
    return invite.roomId;
  }

  it('starts a DM by user id and relays the Matrix user by name through the bot', async () => {
    danaDm = await startChat(dana, ALICE);
    expect(await dana.joinedMembers(danaDm)).toHaveProperty([ghost(ALICE)]);
    const since = bed.fake.requests.length;
    await dana.sendMessage(danaDm, { msgtype: 'm.text', body: 'hi alice @everyone' });
    const open = await requestAfter(
      bed.fake,
      since,
      (r) => r.method === 'POST' && r.path === '/users/@me/channels',
    );
    expect(open.body).toEqual({ recipient_id: ALICE });
    dmChannel = await until(() => findDmChannel(), 'the DM channel');
    const send = await requestAfter(bed.fake, since, isDmSend);
    expect(send.body).toMatchObject({
      content: '**dana**: hi alice @\u200beveryone',
      allowed_mentions: { parse: [] },
    });
  });

  function findDmChannel(): string | undefined {
    const req = bed.fake.requests.find(
      (r) =>
        r.method === 'POST' &&
        /^\/channels\/\d+\/messages$/.test(r.path) &&
        r.path !== `/channels/${GENERAL}/messages`,
    );
    return req?.path.split('/')[2];
  }

  it('delivers the Discord user’s DM to the Matrix user who wrote to them', async () => {
    bed.fake.userSendsDM(ALICE, { content: 'hello *dana*' });
    const msg = await waitForText(dana, danaDm, 'hello dana', ghost(ALICE));
    expect(content(msg).formatted_body).toBe('hello <em>dana</em>');
  });

  it('routes answers by reply to the right Matrix user, else to the latest correspondent', async () => {
    erinDm = await startChat(erin, 'Ally'); // by guild nickname
    expect(erinDm).not.toBe(danaDm);
    const danaEvent = await dana.sendMessage(danaDm, { msgtype: 'm.text', body: 'question from dana' });
    const danaMapped = await until(() => bed.h.bridge.store.messages.byEventId(danaEvent), 'the mapping');
    const since = bed.fake.requests.length;
    await erin.sendMessage(erinDm, { msgtype: 'm.text', body: 'question from erin' });
    const erinSend = await requestAfter(bed.fake, since, isDmSend);
    expect((erinSend.body as { content: string }).content).toBe('**erin**: question from erin');

    bed.fake.userSendsDM(ALICE, {
      content: 'answer for dana',
      message_reference: { message_id: danaMapped.remote_id },
    });
    const answer = await waitForText(dana, danaDm, 'answer for dana', ghost(ALICE));
    expect(content(answer)['m.relates_to']).toEqual({ 'm.in_reply_to': { event_id: danaEvent } });

    bed.fake.userSendsDM(ALICE, { content: 'who is this?' });
    await waitForText(erin, erinDm, 'who is this?', ghost(ALICE));
    const danaSaw = await dana.messages(danaDm, { limit: 20 });
    expect(danaSaw.some((e) => body(e).includes('who is this?'))).toBe(false);
  });

  it('does not bridge the bot’s own DM messages back, and answers strangers once', async () => {
    const recent = await dana.messages(danaDm, { limit: 30 });
    expect(recent.filter((e) => e.sender === ghost(ALICE) && body(e).includes('question from'))).toHaveLength(
      0,
    );
    const since = bed.fake.requests.length;
    bed.fake.userSendsDM(BOB, { content: 'anyone there?' });
    const reply = await requestAfter(
      bed.fake,
      since,
      (r) => r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.path),
    );
    expect((reply.body as { content: string }).content).toMatch(/No Matrix user has a chat with you/);
  });

  it('opens a DM portal when a Matrix user invites a ghost', async () => {
    const frank = await bed.h.user('frank');
    const roomId = await frank.createRoom({
      invite: [ghost(BOB)],
      is_direct: true,
      preset: 'trusted_private_chat',
    });
    await until(
      async () => (await bed.h.bridge.store.portals.byRoom(roomId))?.remote_id === `dm:${BOB}`,
      'the DM portal',
    );
    await until(async () => (await frank.joinedMembers(roomId))[bed.h.bridge.botUserId], 'the bot to join');
    const since = bed.fake.requests.length;
    await frank.sendMessage(roomId, { msgtype: 'm.text', body: 'hello bob' });
    const sent = await requestAfter(
      bed.fake,
      since,
      (r) => r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.path),
    );
    expect(sent.body).toMatchObject({ content: '**frank**: hello bob', allowed_mentions: { parse: [] } });
    expect(
      await bed.h.bridge.store.portals.get('discord', { id: `dm:${BOB}`, receiver: frank.userId }),
    ).toMatchObject({ room_id: roomId });
  });

  it('relays in channels through the bot when webhooks are off, with real replies', async () => {
    const room = await dana.join(alias(GENERAL));
    const question = bed.fake.userSendsMessage(GENERAL, ALICE, { content: 'channel question' });
    const qEvent = await waitForText(dana, room, 'channel question', ghost(ALICE));
    let since = bed.fake.requests.length;
    const mine = await dana.sendMessage(room, {
      msgtype: 'm.emote',
      body: 'nods',
      'm.relates_to': { 'm.in_reply_to': { event_id: qEvent.event_id } },
    });
    const req = await requestAfter(
      bed.fake,
      since,
      (r) => r.method === 'POST' && r.path === `/channels/${GENERAL}/messages`,
    );
    expect(req.body).toMatchObject({
      content: '* **dana** nods',
      allowed_mentions: { parse: [], replied_user: false },
      message_reference: { message_id: question.id },
    });
    const mapped = await until(() => bed.h.bridge.store.messages.byEventId(mine), 'the mapping');
    bed.fake.userSendsMessage(GENERAL, ALICE, {
      content: 'reply to the relay',
      message_reference: { message_id: mapped.remote_id },
    });
    const answer = await waitForText(dana, room, 'reply to the relay', ghost(ALICE));
    expect(content(answer)['m.relates_to']).toEqual({ 'm.in_reply_to': { event_id: mine } });
    // Replying to a Matrix user's message notifies them.
    expect(content(answer)['m.mentions']).toEqual({ user_ids: [dana.userId] });

    since = bed.fake.requests.length;
    await dana.sendMessage(room, {
      msgtype: 'm.emote',
      body: '* shakes head',
      'm.new_content': { msgtype: 'm.emote', body: 'shakes head' },
      'm.relates_to': { rel_type: 'm.replace', event_id: mine },
    });
    const patch = await requestAfter(bed.fake, since, (r) => r.method === 'PATCH');
    expect(patch.path).toBe(`/channels/${GENERAL}/messages/${mapped.remote_id}`);
    expect(patch.body).toMatchObject({ content: '* **dana** shakes head' });
    expect(bed.fake.getWebhooks(GENERAL)).toHaveLength(0);
  });
});
