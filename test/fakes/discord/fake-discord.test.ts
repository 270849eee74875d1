/**
 * Drives the real discord.js v14 Client against FakeDiscord: if these pass, the fake speaks enough
 * of Discord's REST and gateway protocol for the bridge's e2e tests to trust it.
 */
import {
  ChannelType,
  Client,
  Events,
  GatewayIntentBits,
  GatewayOpcodes,
  Partials,
  type ClientEvents,
  type ClientOptions,
  type TextChannel,
} from 'discord.js';
import { FakeDiscord } from './index';

const GUILD = '1100000000000000001';
const CHANNEL = '1100000000000000010';
const ALICE = '1100000000000000100';

const ALL_INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMembers,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.GuildMessageReactions,
  GatewayIntentBits.GuildMessageTyping,
  GatewayIntentBits.DirectMessages,
  GatewayIntentBits.MessageContent,
];

/** The options a bridge needs to point discord.js at the fake; short timeouts keep failures fast. */
function makeClient(fake: FakeDiscord, overrides: Partial<ClientOptions> = {}): Client {
  return new Client({
    intents: ALL_INTENTS,
    // Partials let uncached messages/reactions/DM channels still produce events (e.g. after a restart).
    partials: [Partials.Channel, Partials.Message, Partials.Reaction, Partials.User, Partials.GuildMember],
    rest: { api: fake.restUrl, cdn: fake.cdnUrl, timeout: 5_000, retries: 1 },
    waitGuildTimeout: 1_000,
    ...overrides,
  });
}

/** The next `event` whose arguments pass `filter`, or a rejection after `timeoutMs`. */
function nextEvent<K extends keyof ClientEvents>(
  client: Client,
  event: K,
  filter: (...args: ClientEvents[K]) => boolean = () => true,
  timeoutMs = 5_000,
): Promise<ClientEvents[K]> {
  return new Promise((resolve, reject) => {
    const listener = (...args: ClientEvents[K]): void => {
      if (!filter(...args)) return;
      clearTimeout(timer);
      client.off(event, listener);
      resolve(args);
    };
    const timer = setTimeout(() => {
      client.off(event, listener);
      reject(new Error(`no ${String(event)} within ${timeoutMs} ms`));
    }, timeoutMs);
    client.on(event, listener);
  });
}

/** Polls `condition` every 20 ms for up to `timeoutMs`. */
async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('FakeDiscord with the real discord.js client', () => {
  const fake = new FakeDiscord({ bot: { username: 'Switchboard' }, heartbeatIntervalMs: 250 });
  let client: Client;
  let channel: TextChannel;

  beforeAll(async () => {
    await fake.start();
    fake.addGuild({
      id: GUILD,
      name: 'Test Guild',
      channels: [
        { id: '1100000000000000009', name: 'Text', type: ChannelType.GuildCategory },
        { id: CHANNEL, name: 'general', topic: 'chat here', parent_id: '1100000000000000009' },
      ],
      members: [{ id: ALICE, username: 'alice', global_name: 'Alice', nick: 'Ally' }],
    });
    client = makeClient(fake);
  });

  afterAll(async () => {
    await client.destroy();
    await fake.stop();
  });

  test('login succeeds and clientReady fires with the guild cached', async () => {
    const ready = nextEvent(client, Events.ClientReady);
    await client.login(fake.token);
    await ready;
    const guild = client.guilds.cache.get(GUILD);
    expect(guild?.name).toBe('Test Guild');
    expect(guild?.members.cache.get(ALICE)?.displayName).toBe('Ally');
    expect(guild?.members.me?.id).toBe(fake.botUser.id);
    const cached = client.channels.cache.get(CHANNEL);
    expect(cached?.type).toBe(ChannelType.GuildText);
    channel = cached as TextChannel;
    expect(channel.topic).toBe('chat here');
    expect(channel.parent?.name).toBe('Text');
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toContain('GET /gateway/bot');
  });

  test('messageCreate from a fake user carries content, author and member', async () => {
    const created = nextEvent(client, Events.MessageCreate, (m) => m.author.id === ALICE);
    fake.userSendsMessage(CHANNEL, ALICE, { content: `hi <@${fake.botUser.id}>` });
    const [message] = await created;
    expect(message.content).toBe(`hi <@${fake.botUser.id}>`);
    expect(message.author.username).toBe('alice');
    expect(message.author.globalName).toBe('Alice');
    expect(message.member?.displayName).toBe('Ally');
    expect(message.guildId).toBe(GUILD);
    expect(message.webhookId).toBeNull();
    expect(message.mentions.users.has(fake.botUser.id)).toBe(true);
  });

  test('a bot send is recorded with exactly the body discord.js sent', async () => {
    const sent = await channel.send({ content: 'hello @everyone', allowedMentions: { parse: [] } });
    const request = await fake.waitForRequest({ method: 'POST', path: `/channels/${CHANNEL}/messages` });
    expect(request.body).toEqual({
      content: 'hello @everyone',
      tts: false,
      enforce_nonce: false,
      allowed_mentions: { parse: [] },
    });
    expect(request.status).toBe(200);
    // allowed_mentions parse: [] means nobody is pinged, so the stored message does not mention everyone.
    expect(fake.getMessage(CHANNEL, sent.id)).toMatchObject({
      content: 'hello @everyone',
      mention_everyone: false,
    });
  });

  test('a webhook send is recorded and echoed with webhook_id', async () => {
    const webhook = await channel.createWebhook({ name: 'Switchboard relay', reason: 'bridge' });
    const created = await fake.waitForRequest({ method: 'POST', path: `/channels/${CHANNEL}/webhooks` });
    expect(created.auditLogReason).toBe('bridge');
    const echo = nextEvent(client, Events.MessageCreate, (m) => m.webhookId === webhook.id);
    await webhook.send({
      content: 'from Matrix',
      username: 'Bob (Matrix)',
      avatarURL: 'https://matrix.example/avatar.png',
      allowedMentions: { parse: [], users: [ALICE] },
    });
    const request = await fake.waitForRequest((r) => r.path === `/webhooks/${webhook.id}/${webhook.token}`);
    expect(request.query).toEqual({ wait: 'true' });
    expect(request.headers.authorization).toBeUndefined();
    expect(request.body).toMatchObject({
      content: 'from Matrix',
      username: 'Bob (Matrix)',
      avatar_url: 'https://matrix.example/avatar.png',
      allowed_mentions: { parse: [], users: [ALICE] },
    });
    const [message] = await echo;
    expect(request.response).toMatchObject({ id: message.id, channel_id: CHANNEL, webhook_id: webhook.id });
    expect(message.author.username).toBe('Bob (Matrix)');
    expect(message.author.bot).toBe(true);
    // Discord refuses names containing "discord"/"clyde", which a relayed display name can contain.
    await expect(webhook.send({ content: 'x', username: 'discord fan' })).rejects.toMatchObject({
      code: 50035,
    });
  });

  test('attachments go up as multipart and come back from the fake CDN', async () => {
    const sent = await channel.send({ files: [{ attachment: Buffer.from('hello file'), name: 'note.txt' }] });
    const request = await fake.waitForRequest((r) => r.method === 'POST' && r.files.length > 0);
    expect(request.files).toMatchObject([{ field: 'files[0]', filename: 'note.txt', size: 10 }]);
    const url = sent.attachments.first()?.url ?? '';
    expect(url.startsWith(fake.cdnUrl)).toBe(true);
    expect(await (await fetch(url)).text()).toBe('hello file');

    const incoming = nextEvent(
      client,
      Events.MessageCreate,
      (m) => m.attachments.size > 0 && m.author.id === ALICE,
    );
    fake.userSendsMessage(CHANNEL, ALICE, {
      attachments: [{ filename: 'pic.png', data: Buffer.from([137, 80, 78, 71]), contentType: 'image/png' }],
    });
    const [message] = await incoming;
    expect(message.attachments.first()).toMatchObject({ name: 'pic.png', size: 4, contentType: 'image/png' });
  });

  test('edits, reactions, replies and deletes arrive as discord.js events', async () => {
    const original = fake.userSendsMessage(CHANNEL, ALICE, { content: 'first' });
    await nextEvent(client, Events.MessageCreate, (m) => m.id === original.id);

    const updated = nextEvent(client, Events.MessageUpdate, (_old, m) => m.id === original.id);
    fake.userEditsMessage(CHANNEL, original.id, 'first (edited)');
    const [, newMessage] = await updated;
    expect(newMessage.content).toBe('first (edited)');
    expect(newMessage.editedTimestamp).not.toBeNull();

    const reacted = nextEvent(client, Events.MessageReactionAdd, (r) => r.message.id === original.id);
    fake.userReacts(CHANNEL, original.id, ALICE, '👍');
    const [reaction, user] = await reacted;
    expect(reaction.emoji.name).toBe('👍');
    expect(user.id).toBe(ALICE);

    const message = await channel.messages.fetch(original.id);
    await message.react('🎉');
    await fake.waitForRequest({ method: 'PUT', path: /\/reactions\/.+\/@me$/ });
    expect(fake.getMessage(CHANNEL, original.id)?.reactions?.map((r) => r.emoji.name)).toEqual(['👍', '🎉']);
    await expect(message.react('+1')).rejects.toMatchObject({ code: 10014 });

    const reply = await message.reply({
      content: 'answer',
      allowedMentions: { parse: [], repliedUser: false },
    });
    expect(reply.reference?.messageId).toBe(original.id);
    expect(fake.getMessage(CHANNEL, reply.id)?.referenced_message?.id).toBe(original.id);

    const deleted = nextEvent(client, Events.MessageDelete, (m) => m.id === original.id);
    fake.userDeletesMessage(CHANNEL, original.id);
    await deleted;
  });

  test('member, channel, typing and DM events reach the client', async () => {
    const joined = nextEvent(client, Events.GuildMemberAdd);
    fake.addMember(GUILD, { id: '1100000000000000200', username: 'carol' });
    expect((await joined)[0].user.username).toBe('carol');

    const renamed = nextEvent(client, Events.GuildMemberUpdate);
    fake.updateMember(GUILD, '1100000000000000200', { username: 'carol', nick: 'Caz' });
    expect((await renamed)[1].displayName).toBe('Caz');

    const left = nextEvent(client, Events.GuildMemberRemove);
    fake.removeMember(GUILD, '1100000000000000200');
    expect((await left)[0].id).toBe('1100000000000000200');

    const topic = nextEvent(client, Events.ChannelUpdate);
    fake.updateChannel(CHANNEL, { topic: 'new topic' });
    expect(((await topic)[1] as TextChannel).topic).toBe('new topic');

    const typing = nextEvent(client, Events.TypingStart);
    fake.userTyping(CHANNEL, ALICE);
    expect((await typing)[0].user.id).toBe(ALICE);

    const dm = nextEvent(client, Events.MessageCreate, (m) => m.guildId === null);
    fake.userSendsDM(ALICE, { content: 'psst' });
    const [message] = await dm;
    expect(message.content).toBe('psst');
    expect(message.channel.type).toBe(ChannelType.DM);
  });

  test('a 429 is retried transparently and the message still lands', async () => {
    fake.clearRequests();
    fake.rateLimitNext({ method: 'POST', path: `/channels/${CHANNEL}/messages` }, 0.2);
    const started = Date.now();
    const sent = await channel.send('after a rate limit');
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    const attempts = fake.requests.filter((r) => r.path === `/channels/${CHANNEL}/messages`);
    expect(attempts.map((r) => r.status)).toEqual([429, 200]);
    expect(fake.getMessage(CHANNEL, sent.id)?.content).toBe('after a rate limit');
  });

  test('a dropped connection resumes and the message sent during the gap arrives', async () => {
    const resumed = nextEvent(client, Events.ShardResume);
    const missed = nextEvent(client, Events.MessageCreate, (m) => m.content === 'sent while disconnected');
    fake.dropConnection();
    fake.userSendsMessage(CHANNEL, ALICE, { content: 'sent while disconnected' });
    await Promise.all([resumed, missed]);
    const ops = fake.gatewayPayloads.map((p) => p.op);
    expect(ops.filter((op) => op === GatewayOpcodes.Identify)).toHaveLength(1);
    expect(ops).toContain(GatewayOpcodes.Resume);
    expect(fake.openGatewayConnections).toBe(1);
    // The resumed connection keeps heartbeating (and being ACKed) on the same session.
    const resumedAt = ops.lastIndexOf(GatewayOpcodes.Resume);
    await until(() => fake.gatewayPayloads.slice(resumedAt).some((p) => p.op === GatewayOpcodes.Heartbeat));
  });

  test('a bad token rejects login', async () => {
    const bad = makeClient(fake);
    await expect(bad.login('not-the-token')).rejects.toMatchObject({ code: 'TokenInvalid' });
    await bad.destroy();
  });
});

describe('FakeDiscord intents', () => {
  test('Message Content not enabled: asking for it closes with 4014; without it content is withheld', async () => {
    const fake = new FakeDiscord({ privilegedIntents: { messageContent: false } });
    await fake.start();
    fake.addGuild({
      id: GUILD,
      name: 'G',
      channels: [{ id: CHANNEL, name: 'general' }],
      members: [{ id: ALICE, username: 'alice' }],
    });
    const greedy = makeClient(fake);
    const modest = makeClient(fake, { intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages] });
    try {
      await expect(greedy.login(fake.token)).rejects.toThrow('Used disallowed intents');
      await modest.login(fake.token);
      const created = nextEvent(modest, Events.MessageCreate);
      fake.userSendsMessage(CHANNEL, ALICE, { content: 'secret' });
      expect((await created)[0].content).toBe('');
    } finally {
      await greedy.destroy();
      await modest.destroy();
      await fake.stop();
    }
  });
});
