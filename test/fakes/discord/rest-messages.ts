/** Bot-authenticated REST routes on channel messages, reactions and typing. */
import type { APIPartialEmoji } from 'discord.js';
import { Router } from 'express';
import { emojiKey } from './dispatcher';
import { JsonErrorCode, RestError } from './errors';
import { messageInputFromBody, type UploadedFile } from './messages';
import { bodyOf, reply, type RestContext } from './rest-context';
import type { RecordedFile } from './types';
import { messageToWire } from './wire';

export const uploadedFiles = (files: RecordedFile[]): UploadedFile[] =>
  files.map(({ filename, contentType, data }) => ({ filename, contentType, data }));

/**
 * The `:emoji` path segment: `name:id` (or `a:name:id`) for a custom emoji, else a unicode emoji,
 * which Discord checks — arbitrary text (e.g. a Matrix reaction "+1") gets 10014 Unknown Emoji.
 */
function parseEmoji(param: string): APIPartialEmoji {
  const custom = /^(a:)?([\w~-]+):(\d+)$/.exec(param);
  if (custom) return { id: custom[3] ?? null, name: custom[2] ?? null, animated: custom[1] !== undefined };
  if (!/\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u.test(param)) {
    throw new RestError(400, JsonErrorCode.UnknownEmoji, 'Unknown Emoji');
  }
  return { id: null, name: param };
}

export function messageRoutes(ctx: RestContext): Router {
  const { state, dispatcher, messages } = ctx;
  const r = Router();

  // History, newest first: `limit` (default 50, max 100) with one of before / after / around.
  r.get('/channels/:channelId/messages', (req, res) => {
    const all = [...state.channelMessages(state.channel(req.params.channelId).id).values()];
    const limit = Math.min(Number(req.query.limit ?? 50) || 50, 100);
    const { before, after, around } = req.query;
    const index = (id: unknown): number => all.findIndex((m) => m.message.id === id);
    let slice = all.slice(-limit);
    if (typeof before === 'string') slice = all.slice(0, Math.max(index(before), 0)).slice(-limit);
    else if (typeof after === 'string') slice = all.slice(index(after) + 1).slice(0, limit);
    else if (typeof around === 'string') {
      const at = Math.max(index(around), 0);
      slice = all.slice(Math.max(at - Math.floor(limit / 2), 0)).slice(0, limit);
    }
    reply(
      res,
      200,
      slice.reverse().map((m) => messageToWire(state, m)),
    );
  });

  r.get('/channels/:channelId/messages/:messageId', (req, res) => {
    reply(res, 200, messageToWire(state, state.message(req.params.channelId, req.params.messageId)));
  });

  r.post('/channels/:channelId/messages', (req, res) => {
    const { body, files } = bodyOf(req);
    const channel = state.channel(req.params.channelId);
    const stored = messages.create(channel, state.bot, messageInputFromBody(body, uploadedFiles(files)));
    dispatcher.messageCreated(stored);
    reply(res, 200, messageToWire(state, stored));
  });

  r.patch('/channels/:channelId/messages/:messageId', (req, res) => {
    const { body, files } = bodyOf(req);
    const stored = state.message(req.params.channelId, req.params.messageId);
    if (stored.message.author.id !== state.bot.id) {
      throw new RestError(
        403,
        JsonErrorCode.CannotEditOtherUsersMessage,
        'Cannot edit a message authored by another user',
      );
    }
    messages.edit(stored, messageInputFromBody(body, uploadedFiles(files)));
    dispatcher.messageUpdated(stored);
    reply(res, 200, messageToWire(state, stored));
  });

  r.delete('/channels/:channelId/messages/:messageId', (req, res) => {
    dispatcher.messageDeleted(state.message(req.params.channelId, req.params.messageId));
    reply(res, 204);
  });

  const reactionPath = '/channels/:channelId/messages/:messageId/reactions/:emoji';
  r.put(`${reactionPath}/@me`, (req, res) => {
    const stored = state.message(req.params.channelId, req.params.messageId);
    dispatcher.reactionAdded(stored, state.bot.id, parseEmoji(req.params.emoji));
    reply(res, 204);
  });
  r.delete(`${reactionPath}/@me`, (req, res) => {
    const stored = state.message(req.params.channelId, req.params.messageId);
    dispatcher.reactionRemoved(stored, state.bot.id, parseEmoji(req.params.emoji));
    reply(res, 204);
  });
  r.delete(`${reactionPath}/:userId`, (req, res) => {
    const stored = state.message(req.params.channelId, req.params.messageId);
    dispatcher.reactionRemoved(stored, req.params.userId, parseEmoji(req.params.emoji));
    reply(res, 204);
  });
  r.get(reactionPath, (req, res) => {
    const stored = state.message(req.params.channelId, req.params.messageId);
    const reaction = stored.reactions.get(emojiKey(parseEmoji(req.params.emoji)));
    reply(
      res,
      200,
      [...(reaction?.userIds ?? [])].map((id) => state.user(id)),
    );
  });

  r.post('/channels/:channelId/typing', (req, res) => {
    state.channel(req.params.channelId);
    reply(res, 204);
  });

  return r;
}
