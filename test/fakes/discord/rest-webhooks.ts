/**
 * Webhook routes. Creating and listing need the bot token; executing, and editing or deleting a
 * webhook's messages, authenticate by the token in the path (discord.js sends them with `auth: false`).
 */
import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import { invalidFormBody, JsonErrorCode, RestError, unknown } from './errors';
import { messageInputFromBody } from './messages';
import { uploadedFiles } from './rest-messages';
import { bodyOf, reply, type RestContext } from './rest-context';
import { isThread } from './state';
import type { StoredChannel, StoredMessage, StoredWebhook } from './types';
import { isRecord, optionalString } from './util';
import { messageToWire, webhookToWire } from './wire';

/**
 * Discord refuses webhook names and per-message `username`s that are not 1–80 characters, contain
 * "clyde" or "discord", or are exactly "everyone"/"here" — a bridge relaying Matrix display names
 * hits this (e.g. discord-api-docs#1229, MinnDevelopment/discord-webhooks#100).
 */
function checkName(field: string, name: string): void {
  if (name.length < 1 || name.length > 80) {
    throw invalidFormBody(field, 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 80 in length.');
  }
  const banned = /clyde|discord/i.exec(name);
  if (banned) {
    throw invalidFormBody(
      field,
      'USERNAME_INVALID_CONTAINS',
      `Username cannot contain "${banned[0].toLowerCase()}"`,
    );
  }
  if (/^(everyone|here)$/i.test(name)) {
    throw invalidFormBody(field, 'USERNAME_INVALID', `Username cannot be "${name.toLowerCase()}"`);
  }
}

export function webhookBotRoutes(ctx: RestContext): Router {
  const { state } = ctx;
  const r = Router();
  const wire = (webhook: StoredWebhook) => webhookToWire(webhook, ctx.restUrl());

  r.get('/channels/:channelId/webhooks', (req, res) => {
    const channel = state.channel(req.params.channelId);
    reply(res, 200, [...state.webhooks.values()].filter((w) => w.channelId === channel.id).map(wire));
  });
  r.post('/channels/:channelId/webhooks', (req, res) => {
    const channel = state.channel(req.params.channelId);
    if (!channel.guildId || isThread(channel)) throw unknown('Channel');
    const body = bodyOf(req).body;
    const b = isRecord(body) ? body : {};
    const name = optionalString(b.name) ?? '';
    checkName('name', name);
    const webhook: StoredWebhook = {
      id: state.ids.next(),
      token: randomBytes(34).toString('base64url'),
      channelId: channel.id,
      guildId: channel.guildId,
      name,
      // `avatar` is image data (a data: URI); Discord stores it and reports a hash.
      avatar: typeof b.avatar === 'string' ? randomBytes(16).toString('hex') : null,
      creator: state.bot,
    };
    state.webhooks.set(webhook.id, webhook);
    ctx.dispatcher.webhooksUpdated(webhook);
    reply(res, 200, wire(webhook));
  });
  r.get('/guilds/:guildId/webhooks', (req, res) => {
    const guild = state.guild(req.params.guildId);
    reply(res, 200, [...state.webhooks.values()].filter((w) => w.guildId === guild.id).map(wire));
  });
  r.get('/webhooks/:webhookId', (req, res) => reply(res, 200, wire(state.webhook(req.params.webhookId))));
  r.delete('/webhooks/:webhookId', (req, res) => {
    deleteWebhook(ctx, state.webhook(req.params.webhookId));
    reply(res, 204);
  });
  return r;
}

export function webhookTokenRoutes(ctx: RestContext): Router {
  const { state, messages, dispatcher } = ctx;
  const r = Router();

  const withToken = (id: string, token: string): StoredWebhook => {
    const webhook = state.webhook(id);
    if (webhook.token !== token)
      throw new RestError(401, JsonErrorCode.InvalidWebhookToken, 'Invalid Webhook Token');
    return webhook;
  };
  /** `?thread_id=` posts into (or addresses a message in) a thread of the webhook's channel. */
  const target = (webhook: StoredWebhook, threadId: unknown): StoredChannel => {
    if (typeof threadId !== 'string') return state.channel(webhook.channelId);
    const thread = state.channel(threadId);
    if (!isThread(thread) || thread.parentId !== webhook.channelId) throw unknown('Channel');
    return thread;
  };
  const ownMessage = (webhook: StoredWebhook, channel: StoredChannel, messageId: string): StoredMessage => {
    const stored = state.message(channel.id, messageId);
    if (stored.message.webhook_id !== webhook.id) throw unknown('Message');
    return stored;
  };

  // Fetched by token, Discord leaves out the creating `user`.
  r.get('/webhooks/:webhookId/:token', (req, res) => {
    const { user: _creator, ...webhook } = webhookToWire(
      withToken(req.params.webhookId, req.params.token),
      ctx.restUrl(),
    );
    reply(res, 200, webhook);
  });
  r.delete('/webhooks/:webhookId/:token', (req, res) => {
    deleteWebhook(ctx, withToken(req.params.webhookId, req.params.token));
    reply(res, 204);
  });

  /** Execute: `username` / `avatar_url` override the author per message; `?wait=true` returns the message. */
  r.post('/webhooks/:webhookId/:token', (req, res) => {
    const webhook = withToken(req.params.webhookId, req.params.token);
    const { body, files } = bodyOf(req);
    const b = isRecord(body) ? body : {};
    const username = optionalString(b.username);
    if (username !== undefined) checkName('username', username);
    const author = messages.webhookAuthor(webhook, username, optionalString(b.avatar_url));
    const channel = target(webhook, req.query.thread_id);
    const stored = messages.create(
      channel,
      author,
      messageInputFromBody(body, uploadedFiles(files)),
      webhook,
    );
    dispatcher.messageCreated(stored);
    if (req.query.wait === 'true') reply(res, 200, messageToWire(state, stored));
    else reply(res, 204);
  });

  const messagePath = '/webhooks/:webhookId/:token/messages/:messageId';
  r.get(messagePath, (req, res) => {
    const webhook = withToken(req.params.webhookId, req.params.token);
    const stored = ownMessage(webhook, target(webhook, req.query.thread_id), req.params.messageId);
    reply(res, 200, messageToWire(state, stored));
  });
  r.patch(messagePath, (req, res) => {
    const webhook = withToken(req.params.webhookId, req.params.token);
    const stored = ownMessage(webhook, target(webhook, req.query.thread_id), req.params.messageId);
    const { body, files } = bodyOf(req);
    messages.edit(stored, messageInputFromBody(body, uploadedFiles(files)));
    dispatcher.messageUpdated(stored);
    reply(res, 200, messageToWire(state, stored));
  });
  r.delete(messagePath, (req, res) => {
    const webhook = withToken(req.params.webhookId, req.params.token);
    dispatcher.messageDeleted(
      ownMessage(webhook, target(webhook, req.query.thread_id), req.params.messageId),
    );
    reply(res, 204);
  });
  return r;
}

function deleteWebhook(ctx: RestContext, webhook: StoredWebhook): void {
  ctx.state.webhooks.delete(webhook.id);
  ctx.dispatcher.webhooksUpdated(webhook);
}
