/**
 * Discord ↔ Matrix in a guild channel, end to end: a real Synapse, the bridge in-process on real
 * Postgres, the real discord.js client against the fake Discord. A Discord user (Alice) and a
 * Matrix user (Dana) talk both ways; the fake records exactly what discord.js sent.
 */
import { SnowflakeUtil } from 'discord.js';
import type { TestMatrixClient } from '../../harness/matrix-test-client';
import { body, command, openManagementRoom, waitForText } from '../../e2e/e2e-helpers';
import {
  ALICE,
  alias,
  BOB,
  botOf,
  CAROL,
  CATEGORY,
  content,
  GENERAL,
  ghost,
  GUILD,
  isWebhookExec,
  MODS,
  OTHER_CATEGORY,
  RANDOM,
  requestAfter,
  setProfile,
  setTyping,
  startDiscordBed,
  until,
  type DiscordTestBed,
} from './helpers';

jest.setTimeout(120_000);

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

describe('Discord channels e2e', () => {
  let bed: DiscordTestBed;
  let dana: TestMatrixClient;
  let room: string;
  let space: string;

  beforeAll(async () => {
    bed = await startDiscordBed({
      extraConfig: {
        permissions: { '*': 'relay', 'switchboard.test': 'user', '@dana:switchboard.test': 'admin' },
      },
    });
    await until(() => botOf(bed.h).state.kind === 'connected', 'the bot to connect');
    dana = await bed.h.user('dana');
    const mxc = await dana.uploadMedia(new Uint8Array(PNG), 'image/png', 'me.png');
    await setProfile(dana, 'avatar_url', mxc);
  });
  afterAll(() => bed?.stop());

  it('creates the portal on demand from the alias, with name, topic and the category space in the guild space', async () => {
    // Said before any portal existed: the new room starts with it (history, SDK 1.3).
    const past = ['history one', 'history two', 'history three'].map((text, i) =>
      bed.fake.userSendsMessage(GENERAL, i === 1 ? BOB : ALICE, { content: text }),
    );
    room = await dana.join(alias(GENERAL));
    const timeline = (await dana.messages(room, { limit: 50 })).reverse();
    const history = timeline.filter((e) => e.type === 'm.room.message');
    expect(history.map((e) => [e.sender, content(e).body])).toEqual([
      [ghost(ALICE), 'history one'],
      [ghost(BOB), 'history two'],
      [ghost(ALICE), 'history three'],
    ]);
    // With the messages' own times (discord.js reads them from the snowflake ids), not the time
    // they were bridged.
    expect(history.map((e) => e.origin_server_ts)).toEqual(
      past.map((m) => Number(SnowflakeUtil.timestampFrom(m.id))),
    );
    expect(await dana.getState(room, 'm.room.name')).toEqual({ name: 'general' });
    expect(await dana.getState(room, 'm.room.topic')).toMatchObject({ topic: 'chat here' });
    const row = await bed.h.bridge.store.portals.get('discord', { id: GENERAL });
    space = row?.space_room ?? '';
    expect(space).toMatch(/^!/);
    expect(await dana.getState(room, 'm.space.parent', space)).toMatchObject({ canonical: true });
    const category = await bed.h.bridge.store.portals.get('discord', { id: `space:${CATEGORY}` });
    const guild = await bed.h.bridge.store.portals.get('discord', { id: `space:${GUILD}` });
    expect(category?.room_id).toBe(space);
    expect(category?.name).toBe('Text');
    expect(guild?.name).toBe('Test Guild');
    expect(category?.space_room).toBe(guild?.room_id);
    await dana.join(space);
    expect(await dana.getState(space, 'm.room.create')).toMatchObject({ type: 'm.space' });
    expect(await dana.getState(space, 'm.space.child', room)).toMatchObject({ via: ['switchboard.test'] });
  });

  it('links an existing room to a channel when an admin asks, refusing unknown channels', async () => {
    const bot = bed.h.bridge.botUserId;
    const mgmt = await openManagementRoom(dana, bot);
    const existing = await dana.createRoom({ preset: 'public_chat', name: 'our room' });
    // The bot has to manage the room (invite ghosts, set the name): the admin gives it power.
    const levels = await dana.getState(existing, 'm.room.power_levels');
    const users = { ...(levels.users as Record<string, number>), [bot]: 100 };
    await dana.sendState(existing, 'm.room.power_levels', '', { ...levels, users });
    await command(dana, mgmt, bot, `bridge discord 1299999999999999999 ${existing}`, /bridge failed/);
    await command(dana, mgmt, bot, `bridge discord ${RANDOM} ${existing}`, /Bridged .* random/);
    bed.fake.userSendsMessage(RANDOM, ALICE, { content: 'into the linked room' });
    await waitForText(dana, existing, 'into the linked room', ghost(ALICE));
    // Discord has no kick from one channel: the room says the member is still there.
    await dana.kick(existing, ghost(ALICE), 'testing');
    const notice = await waitForText(dana, existing, 'still in the chat on Discord', bot);
    expect(body(notice)).toContain('Discord does not support removing members');
    bed.fake.userSendsMessage(RANDOM, ALICE, { content: 'back in the linked room' });
    await waitForText(dana, existing, 'back in the linked room', ghost(ALICE));
  });

  it('bridges a Discord message with formatting, mentions and spoilers as the ghost', async () => {
    bed.fake.userSendsMessage(GENERAL, ALICE, {
      content:
        '**hello** <@' + BOB + '> and <@&' + MODS + '> in <#' + GENERAL + '> ||secret|| <script>x</script>',
    });
    const msg = await waitForText(dana, room, 'hello', ghost(ALICE));
    const c = content(msg);
    expect(c.body).toBe('hello @Bob and @Mods in #general ||secret|| <script>x</script>');
    const html = String(c.formatted_body);
    expect(html).toContain('<strong>hello</strong>');
    expect(html).toContain(`<a href="https://matrix.to/#/${encodeURIComponent(ghost(BOB))}">Bob</a>`);
    expect(html).toContain(`<a href="https://matrix.to/#/${room}">#general</a>`);
    expect(html).toContain('<span data-mx-spoiler>secret</span>');
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(html).not.toContain('<script');
    expect(c['m.mentions']).toEqual({ user_ids: [ghost(BOB)] });
    expect(await dana.getProfile(ghost(ALICE))).toMatchObject({ displayname: 'Alice' });
    expect((await dana.getProfile(ghost(ALICE))).avatar_url).toMatch(/^mxc:\/\//);
  });

  it('shows custom emoji inside messages as images, uploaded once per emoji', async () => {
    const party = '112233445566778899';
    bed.fake.addCustomEmoji(party, PNG);
    bed.fake.userSendsMessage(GENERAL, ALICE, { content: `party <:party:${party}> time` });
    const first = content(await waitForText(dana, room, 'party :party: time', ghost(ALICE)));
    const img = /<img data-mx-emoticon src="(mxc:\/\/[^"]+)" alt=":party:" title=":party:" height="32" ?\/?>/;
    expect(String(first.formatted_body)).toMatch(img);
    const mxc = img.exec(String(first.formatted_body))?.[1];
    expect((await dana.downloadMedia(mxc as string)).contentType).toBe('image/png');

    bed.fake.userSendsMessage(GENERAL, ALICE, { content: `again <:party:${party}>` });
    const second = content(await waitForText(dana, room, 'again :party:', ghost(ALICE)));
    expect(img.exec(String(second.formatted_body))?.[1]).toBe(mxc);
    // An emoji the CDN does not have stays text, and the message still arrives.
    bed.fake.userSendsMessage(GENERAL, ALICE, { content: 'gone <:gone:998877665544332211>' });
    const third = content(await waitForText(dana, room, 'gone :gone:', ghost(ALICE)));
    expect(String(third.formatted_body ?? '')).not.toContain('<img');
  });

  it('sends a Matrix message through the webhook with name, avatar and only the real mentions', async () => {
    const since = bed.fake.requests.length;
    await dana.sendMessage(room, {
      msgtype: 'm.text',
      body: 'Ally: hi @everyone <@' + BOB + '> **x**',
      format: 'org.matrix.custom.html',
      formatted_body: `<a href="https://matrix.to/#/${ghost(ALICE)}">Ally</a>: hi @everyone &lt;@${BOB}&gt; <em>x</em> @here <b>ok</b>`,
      'm.mentions': { user_ids: [ghost(ALICE)] },
    });
    const req = await requestAfter(bed.fake, since, isWebhookExec);
    const sent = req.body as Record<string, unknown>;
    expect(sent.username).toBe('dana');
    expect(String(sent.avatar_url)).toMatch(/^http:\/\/127\.0\.0\.1:9\/_switchboard\/media\//);
    expect(sent.allowed_mentions).toEqual({ parse: [], users: [ALICE] });
    expect(sent.content).toBe(`<@${ALICE}>: hi @\u200beveryone <\u200b@${BOB}> *x* @\u200bhere **ok**`);
    expect(req.status).toBe(200);
    const stored = bed.fake.getMessages(GENERAL).at(-1);
    expect(stored?.mention_everyone).toBe(false);
    expect(stored?.mentions.map((u) => u.id)).toEqual([ALICE]);
    expect(stored?.mention_roles).toEqual([]);
  });

  it('does not echo our own webhook message back into Matrix', async () => {
    bed.fake.userSendsMessage(GENERAL, ALICE, { content: 'marker after echo' });
    await waitForText(dana, room, 'marker after echo', ghost(ALICE));
    const recent = await dana.messages(room, { limit: 20 });
    expect(recent.filter((e) => e.sender !== dana.userId && body(e).includes('hi @everyone'))).toHaveLength(
      0,
    );
  });

  it('bridges replies both ways', async () => {
    // (A Discord reply to a webhook message cannot be made with the fake: it resolves the replied
    // author as a user and answers Unknown User. Replies to the bot's relayed messages are in the DM test.)
    const question = bed.fake.userSendsMessage(GENERAL, BOB, { content: 'question from bob' });
    const questionEvent = await waitForText(dana, room, 'question from bob', ghost(BOB));
    bed.fake.userSendsMessage(GENERAL, ALICE, {
      content: 'answer from discord',
      message_reference: { message_id: question.id },
    });
    const answer = await waitForText(dana, room, 'answer from discord', ghost(ALICE));
    expect(content(answer)['m.relates_to']).toEqual({
      'm.in_reply_to': { event_id: questionEvent.event_id },
    });

    const since = bed.fake.requests.length;
    await dana.sendMessage(room, {
      msgtype: 'm.text',
      body: 'thanks',
      'm.relates_to': { 'm.in_reply_to': { event_id: answer.event_id } },
      'm.mentions': { user_ids: [ghost(ALICE)] },
    });
    const req = await requestAfter(bed.fake, since, isWebhookExec);
    expect((req.body as { content: string }).content).toBe(`> ↪ <@${ALICE}>: answer from discord\nthanks`);
    expect((req.body as { allowed_mentions: unknown }).allowed_mentions).toEqual({
      parse: [],
      users: [ALICE],
    });
  });

  it('maps Discord threads to Matrix threads in the parent room, both ways', async () => {
    const root = bed.fake.userSendsMessage(GENERAL, ALICE, { content: 'thread root' });
    const rootEvent = await waitForText(dana, room, 'thread root', ghost(ALICE));
    const since = bed.fake.requests.length;
    await dana.sendMessage(room, {
      msgtype: 'm.text',
      body: 'first in thread',
      'm.relates_to': {
        rel_type: 'm.thread',
        event_id: rootEvent.event_id,
        is_falling_back: true,
        'm.in_reply_to': { event_id: rootEvent.event_id },
      },
    });
    // No Discord thread yet: the bot starts one on the root message, then posts into it.
    await requestAfter(
      bed.fake,
      since,
      (r) => r.method === 'POST' && r.path === `/channels/${GENERAL}/messages/${root.id}/threads`,
    );
    const exec = await requestAfter(bed.fake, since, isWebhookExec);
    expect(exec.query).toMatchObject({ thread_id: root.id });
    expect(bed.fake.getMessages(root.id).map((m) => m.content)).toEqual(['first in thread']);

    bed.fake.userSendsMessage(root.id, BOB, { content: 'answer in thread' });
    const answer = await waitForText(dana, room, 'answer in thread', ghost(BOB));
    expect(content(answer)['m.relates_to']).toMatchObject({
      rel_type: 'm.thread',
      event_id: rootEvent.event_id,
    });
  });

  it('bridges edits and deletes both ways', async () => {
    const original = bed.fake.userSendsMessage(GENERAL, ALICE, { content: 'tpyo' });
    const first = await waitForText(dana, room, 'tpyo', ghost(ALICE));
    bed.fake.userEditsMessage(GENERAL, original.id, 'typo *fixed*');
    const edit = await dana.waitForEvent(
      room,
      (e) => (content(e)['m.relates_to'] as { rel_type?: string } | undefined)?.rel_type === 'm.replace',
    );
    expect(content(edit)['m.new_content']).toMatchObject({
      body: 'typo fixed',
      formatted_body: 'typo <em>fixed</em>',
    });
    expect(content(edit)['m.relates_to']).toEqual({ rel_type: 'm.replace', event_id: first.event_id });

    bed.fake.userDeletesMessage(GENERAL, original.id);
    await dana.waitForEvent(room, (e) => e.type === 'm.room.redaction' && e.redacts === first.event_id);

    const mine = await dana.sendMessage(room, { msgtype: 'm.text', body: 'draft' });
    const mapped = await until(() => bed.h.bridge.store.messages.byEventId(mine), 'the mapping');
    let since = bed.fake.requests.length;
    await dana.sendMessage(room, {
      msgtype: 'm.text',
      body: '* final @everyone',
      'm.new_content': { msgtype: 'm.text', body: 'final @everyone' },
      'm.relates_to': { rel_type: 'm.replace', event_id: mine },
    });
    const patch = await requestAfter(
      bed.fake,
      since,
      (r) => r.method === 'PATCH' && r.path.endsWith(`/messages/${mapped.remote_id}`),
    );
    expect(patch.path).toMatch(/^\/webhooks\//);
    expect(patch.body).toMatchObject({ content: 'final @\u200beveryone', allowed_mentions: { parse: [] } });
    expect(bed.fake.getMessage(GENERAL, mapped.remote_id)?.content).toBe('final @\u200beveryone');

    since = bed.fake.requests.length;
    await dana.redact(room, mine);
    await requestAfter(
      bed.fake,
      since,
      (r) => r.method === 'DELETE' && r.path.endsWith(`/messages/${mapped.remote_id}`),
    );
    expect(bed.fake.getMessage(GENERAL, mapped.remote_id)).toBeUndefined();
  });

  it('bridges reactions both ways (unicode, and custom emoji from Discord)', async () => {
    const mine = await dana.sendMessage(room, { msgtype: 'm.text', body: 'react to me' });
    const mapped = await until(() => bed.h.bridge.store.messages.byEventId(mine), 'the mapping');
    bed.fake.userReacts(GENERAL, mapped.remote_id, ALICE, '👍');
    bed.fake.userReacts(GENERAL, mapped.remote_id, ALICE, { name: 'blobwave', id: '1200000000000000900' });
    const thumbs = await dana.waitForEvent(room, (e) => e.type === 'm.reaction' && e.sender === ghost(ALICE));
    expect(content(thumbs)['m.relates_to']).toEqual({ rel_type: 'm.annotation', event_id: mine, key: '👍' });
    const custom = await dana.waitForEvent(room, (e) => e.type === 'm.reaction' && e.sender === ghost(ALICE));
    expect((content(custom)['m.relates_to'] as { key: string }).key).toBe(':blobwave:');

    const theirs = bed.fake.userSendsMessage(GENERAL, ALICE, { content: 'react here' });
    const theirEvent = await waitForText(dana, room, 'react here', ghost(ALICE));
    let since = bed.fake.requests.length;
    const reaction = await dana.sendReaction(room, theirEvent.event_id, '🎉');
    const put = await requestAfter(
      bed.fake,
      since,
      (r) => r.method === 'PUT' && r.path.includes('/reactions/'),
    );
    expect(put.path).toBe(
      `/channels/${GENERAL}/messages/${theirs.id}/reactions/${encodeURIComponent('🎉')}/@me`,
    );
    expect(bed.fake.getMessage(GENERAL, theirs.id)?.reactions?.map((r) => r.emoji.name)).toEqual(['🎉']);
    since = bed.fake.requests.length;
    await dana.redact(room, reaction);
    await requestAfter(bed.fake, since, (r) => r.method === 'DELETE' && r.path.includes('/reactions/'));
    expect(bed.fake.getMessage(GENERAL, theirs.id)?.reactions ?? []).toEqual([]);
  });

  it('bridges attachments both ways, and links what is over Discord’s limit', async () => {
    bed.fake.userSendsMessage(GENERAL, ALICE, {
      content: 'a picture',
      attachments: [{ filename: 'pic.png', data: PNG, contentType: 'image/png' }],
    });
    const image = await dana.waitForEvent(room, (e) => content(e).msgtype === 'm.image');
    expect(content(image)).toMatchObject({
      body: 'pic.png',
      info: { mimetype: 'image/png', size: PNG.length },
    });
    const downloaded = await dana.downloadMedia(String(content(image).url));
    expect(downloaded.data.equals(PNG)).toBe(true);

    const file = Buffer.from('hello from matrix');
    const mxc = await dana.uploadMedia(new Uint8Array(file), 'text/plain', 'note.txt');
    let since = bed.fake.requests.length;
    await dana.sendMessage(room, {
      msgtype: 'm.file',
      body: 'note.txt',
      url: mxc,
      info: { mimetype: 'text/plain', size: file.length },
    });
    const upload = await requestAfter(bed.fake, since, (r) => isWebhookExec(r) && r.files.length > 0);
    expect(upload.files[0]).toMatchObject({ filename: 'note.txt', size: file.length });
    expect(upload.files[0]?.data.equals(file)).toBe(true);
    expect((upload.body as { username: string }).username).toBe('dana');

    since = bed.fake.requests.length;
    const big = Buffer.alloc(10 * 1024 * 1024 + 1, 1);
    const bigMxc = await dana.uploadMedia(new Uint8Array(big), 'application/octet-stream', 'big.bin');
    await dana.sendMessage(room, {
      msgtype: 'm.file',
      body: 'big.bin',
      url: bigMxc,
      info: { size: big.length },
    });
    const link = await requestAfter(bed.fake, since, isWebhookExec);
    expect(link.files).toHaveLength(0);
    expect((link.body as { content: string }).content).toMatch(
      /^📎 big\.bin: http:\/\/127\.0\.0\.1:9\/_switchboard\/media\//,
    );
  });

  it('sanitises display names Discord refuses as webhook usernames', async () => {
    await dana.sendState(room, 'm.room.member', dana.userId, {
      membership: 'join',
      displayname: 'Discord Dana',
    });
    const since = bed.fake.requests.length;
    await dana.sendMessage(room, { msgtype: 'm.text', body: 'renamed' });
    const req = await requestAfter(bed.fake, since, isWebhookExec);
    expect(req.status).toBe(200);
    expect((req.body as { username: string }).username).toBe('D\u200biscord Dana');
    await dana.sendState(room, 'm.room.member', dana.userId, { membership: 'join', displayname: 'dana' });
  });

  it('recovers when someone deletes the bridge webhook on Discord', async () => {
    const [old] = bed.fake.getWebhooks(GENERAL);
    expect(old).toBeDefined();
    const res = await fetch(`${bed.fake.restUrl}/v10/webhooks/${old?.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bot ${bed.fake.token}` },
    });
    expect(res.status).toBe(204);
    const since = bed.fake.requests.length;
    await dana.sendMessage(room, { msgtype: 'm.text', body: 'after the webhook was deleted' });
    const ok = await requestAfter(bed.fake, since, (r) => isWebhookExec(r) && r.status === 200);
    expect((ok.body as { content: string }).content).toBe('after the webhook was deleted');
    expect(bed.fake.getWebhooks(GENERAL).map((w) => w.id)).not.toContain(old?.id);
  });

  it('shows Matrix typing on Discord, and survives a 429', async () => {
    let since = bed.fake.requests.length;
    await setTyping(dana, room);
    await requestAfter(
      bed.fake,
      since,
      (r) => r.method === 'POST' && r.path === `/channels/${GENERAL}/typing`,
    );

    since = bed.fake.requests.length;
    bed.fake.rateLimitNext({ method: 'POST', path: /^\/webhooks\// }, 0.3);
    await dana.sendMessage(room, { msgtype: 'm.text', body: 'after a rate limit' });
    const ok = await requestAfter(bed.fake, since, (r) => isWebhookExec(r) && r.status === 200);
    expect((ok.body as { content: string }).content).toBe('after a rate limit');
    expect(
      bed.fake.requests
        .slice(since)
        .filter(isWebhookExec)
        .map((r) => r.status),
    ).toEqual([429, 200]);
  });

  it('follows channel renames, topics and category moves', async () => {
    bed.fake.updateChannel(GENERAL, { name: 'lobby', topic: 'new topic' });
    await dana.waitForEvent(room, (e) => e.type === 'm.room.name' && content(e).name === 'lobby');
    await dana.waitForEvent(room, (e) => e.type === 'm.room.topic' && content(e).topic === 'new topic');
    bed.fake.updateChannel(GENERAL, { parent_id: OTHER_CATEGORY });
    const archive = await until(
      async () =>
        (await bed.h.bridge.store.portals.get('discord', { id: `space:${OTHER_CATEGORY}` }))?.room_id,
      'the Archive space',
    );
    await until(
      async () => (await bed.h.bridge.store.portals.get('discord', { id: GENERAL }))?.space_room === archive,
      'the move',
    );
    expect(await dana.getState(space, 'm.space.child', room)).toEqual({});
    expect(await dana.getState(room, 'm.space.parent', archive)).toMatchObject({ canonical: true });
  });

  it('joins and removes ghosts as members join and leave the guild', async () => {
    bed.fake.addMember(GUILD, { id: CAROL, username: 'carol', global_name: 'Carol' });
    await until(async () => (await dana.joinedMembers(room))[ghost(CAROL)], 'carol to join');
    bed.fake.removeMember(GUILD, CAROL);
    await until(async () => !(await dana.joinedMembers(room))[ghost(CAROL)], 'carol to leave');
  });

  it('resumes after a dropped gateway connection without losing messages', async () => {
    bed.fake.dropConnection();
    bed.fake.userSendsMessage(GENERAL, ALICE, { content: 'sent during the outage' });
    await waitForText(dana, room, 'sent during the outage', ghost(ALICE));
    expect(bed.fake.gatewayPayloads.filter((p) => p.op === 6).length).toBeGreaterThan(0);
  });
});
