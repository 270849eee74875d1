/** Bot-authenticated REST routes about the bot, guilds, channels, DMs and threads. */
import { ChannelType, type RESTGetAPIGatewayBotResult } from 'discord.js';
import { Router } from 'express';
import { invalidFormBody, unknown } from './errors';
import { bodyOf, reply, type RestContext } from './rest-context';
import { isThread } from './state';
import type { StoredChannel } from './types';
import { isRecord } from './util';
import { channelToWire, guildToWire, memberToWire } from './wire';

const THREAD_TYPES = [ChannelType.PublicThread, ChannelType.PrivateThread, ChannelType.AnnouncementThread];

export function botRoutes(ctx: RestContext): Router {
  const { state } = ctx;
  const r = Router();

  // discord.js reads `url` (its gateway) and `session_start_limit` before opening the WebSocket.
  r.get('/gateway/bot', (_req, res) => {
    const info: RESTGetAPIGatewayBotResult = {
      url: ctx.gatewayUrl(),
      shards: 1,
      session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
    };
    reply(res, 200, info);
  });

  r.get('/users/@me', (_req, res) => reply(res, 200, { ...state.bot, verified: true, mfa_enabled: false }));
  r.get('/users/:userId', (req, res) => reply(res, 200, state.user(req.params.userId)));
  r.get('/applications/@me', (_req, res) =>
    reply(res, 200, {
      id: state.bot.id,
      name: state.bot.username,
      icon: null,
      description: '',
      summary: '',
      bot_public: true,
      bot_require_code_grant: false,
      verify_key: '0'.repeat(64),
      flags: 0,
      team: null,
      bot: state.bot,
    }),
  );

  /** Open (or get) the DM channel with a user — discord.js `user.createDM()`. */
  r.post('/users/@me/channels', (req, res) => {
    const { body } = bodyOf(req);
    const recipient = isRecord(body) && typeof body.recipient_id === 'string' ? body.recipient_id : '';
    reply(res, 200, channelToWire(state, state.dmChannel(recipient)));
  });

  r.get('/guilds/:guildId', (req, res) => {
    const guild = state.guild(req.params.guildId);
    const counts = req.query.with_counts === 'true';
    reply(res, 200, {
      ...guildToWire(guild),
      ...(counts ? { approximate_member_count: guild.members.size, approximate_presence_count: 0 } : {}),
    });
  });
  r.get('/guilds/:guildId/channels', (req, res) => {
    const guild = state.guild(req.params.guildId);
    const channels = guild.channelIds.map((id) => state.channel(id)).filter((c) => !isThread(c));
    reply(
      res,
      200,
      channels.map((c) => channelToWire(state, c)),
    );
  });
  r.get('/guilds/:guildId/roles', (req, res) =>
    reply(res, 200, [...state.guild(req.params.guildId).roles.values()]),
  );
  // List members: `limit` (default 1, as documented) after the `after` user id, sorted by id.
  r.get('/guilds/:guildId/members', (req, res) => {
    const guild = state.guild(req.params.guildId);
    const limit = Math.min(Number(req.query.limit ?? 1) || 1, 1000);
    const { after: afterParam } = req.query;
    const after = BigInt(typeof afterParam === 'string' && /^\d+$/.test(afterParam) ? afterParam : '0');
    const ids = [...guild.members.keys()]
      .filter((id) => BigInt(id) > after)
      .sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    reply(
      res,
      200,
      ids.slice(0, limit).flatMap((id) => memberToWire(state, guild, id) ?? []),
    );
  });
  r.get('/guilds/:guildId/members/:userId', (req, res) => {
    const member = memberToWire(state, state.guild(req.params.guildId), req.params.userId);
    if (!member) throw unknown('Member');
    reply(res, 200, member);
  });

  r.get('/channels/:channelId', (req, res) =>
    reply(res, 200, channelToWire(state, state.channel(req.params.channelId))),
  );

  /** Start a thread from a message: Discord gives the thread the message's id. */
  r.post('/channels/:channelId/messages/:messageId/threads', (req, res) => {
    const parent = state.channel(req.params.channelId);
    const starter = state.message(parent.id, req.params.messageId);
    const thread = createThread(ctx, parent, bodyOf(req).body, ChannelType.PublicThread, starter.message.id);
    reply(res, 201, channelToWire(state, thread));
  });
  /** Start a thread without a message; Discord defaults `type` to a private thread. */
  r.post('/channels/:channelId/threads', (req, res) => {
    const parent = state.channel(req.params.channelId);
    const thread = createThread(ctx, parent, bodyOf(req).body, ChannelType.PrivateThread);
    reply(res, 201, channelToWire(state, thread));
  });

  return r;
}

function createThread(
  ctx: RestContext,
  parent: StoredChannel,
  body: unknown,
  defaultType: ChannelType,
  id?: string,
): StoredChannel {
  const b = isRecord(body) ? body : {};
  if (typeof b.name !== 'string' || b.name.length < 1 || b.name.length > 100) {
    throw invalidFormBody('name', 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
  }
  if (!parent.guildId || isThread(parent)) throw unknown('Channel');
  const type = THREAD_TYPES.find((t) => t === b.type) ?? defaultType;
  const thread = ctx.state.addChannel(parent.guildId, { id, name: b.name, type, parent_id: parent.id });
  ctx.dispatcher.channelCreated(thread);
  return thread;
}
