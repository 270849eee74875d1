/**
 * Posting a Matrix user's message on Discord: through the channel webhook (their name and avatar,
 * a quote line for replies) or through the bot (DMs and relay mode: the name in the text, real
 * replies). Both split long content and attach the file to the first message.
 */
import { DiscordAPIError, type Message } from 'discord.js';
import type { BridgedMessageRef, MatrixMessage } from '../../src/sdk';
import { splitContent, webhookUsername } from './discord-text';
import { messageLink } from './ids';
import { allowedMentions, mentionedIds, replyQuote } from './outgoing';
import type { Place } from './places';

export type Upload = { attachment: Buffer; name: string };

const fetchMessage = (channel: Place['channel'], id: string): Promise<Message | null> =>
  channel.messages.fetch(id).catch(() => null);

/** The bot speaks for the Matrix user: real replies (pinging the author only if mentioned). */
export async function viaBot(
  place: Place,
  msg: MatrixMessage,
  content: string,
  file?: Upload,
): Promise<Message[]> {
  const replied = msg.replyTo ? await fetchMessage(place.channel, msg.replyTo.remoteId) : null;
  const pingReplied = !!replied && mentionedIds(msg).includes(replied.author.id);
  const sent: Message[] = [];
  for (const [i, chunk] of splitContent(content).entries()) {
    const first = i === 0;
    sent.push(
      await place.channel.send({
        content: chunk,
        allowedMentions: allowedMentions(msg, replied ? pingReplied : undefined),
        ...(first && replied ? { reply: { messageReference: replied.id, failIfNotExists: false } } : {}),
        ...(first && file ? { files: [file] } : {}),
      }),
    );
  }
  return sent;
}

/** The webhook shows the Matrix user as the author of each message. */
export async function viaWebhook(
  place: Place,
  msg: MatrixMessage,
  content: string,
  file?: Upload,
): Promise<Message[]> {
  const hook = place.webhook;
  if (!hook) throw new Error('no webhook');
  const base = {
    allowedMentions: allowedMentions(msg),
    ...(msg.sender.avatarUrl ? { avatarURL: msg.sender.avatarUrl } : {}),
    ...(place.threadId ? { threadId: place.threadId } : {}),
  };
  const sent: Message[] = [];
  for (const [i, chunk] of (content ? splitContent(content) : ['']).entries()) {
    const body = {
      ...base,
      ...(chunk ? { content: chunk } : {}),
      ...(i === 0 && file ? { files: [file] } : {}),
    };
    const send = (username: string) => hook.send({ ...body, username });
    // A name Discord still refuses (its rules change): a neutral one rather than a lost message.
    sent.push(
      await send(webhookUsername(msg.sender.displayName)).catch((err: unknown) =>
        err instanceof DiscordAPIError && err.code === 50035 && /username/.test(JSON.stringify(err.rawError))
          ? send('Matrix user')
          : Promise.reject(err),
      ),
    );
  }
  return sent;
}

/** The quote line a webhook message carries for a reply (webhooks cannot reply on Discord). */
export async function quoteFor(
  channel: Place['channel'],
  replyTo: BridgedMessageRef,
  mentioned: ReadonlySet<string>,
): Promise<string> {
  const replied = await fetchMessage(channel, replyTo.remoteId);
  if (!replied) return '';
  const name = replied.member?.displayName ?? replied.author.globalName ?? replied.author.username;
  return replyQuote(
    {
      authorId: replied.author.id,
      authorName: name,
      isWebhook: !!replied.webhookId,
      content: replied.content,
      link: messageLink(replied.guildId, replied.channelId, replied.id),
    },
    mentioned,
  );
}
