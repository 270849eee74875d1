/** Small pure parts of the Discord module: ids, login error mapping, reactions, outgoing text. */
import { describeLoginError } from '../../../bridges/discord/login';
import { aliasLocalpart, dmPartnerOf, parseAliasLocalpart, reactionKey } from '../../../bridges/discord/ids';
import {
  allowedMentions,
  mediaUpload,
  relayContent,
  replyQuote,
  webhookContent,
} from '../../../bridges/discord/outgoing';
import { discordEmoji, ReactionCounts } from '../../../bridges/discord/reactions';
import type { MatrixMessage } from '../../../src/sdk';
import { memoryKv } from './helpers';

const msg = (over: Partial<MatrixMessage> = {}): MatrixMessage => ({
  eventId: '$e',
  roomId: '!r:x',
  sender: { userId: '@dana:x', displayName: 'Dana' },
  msgtype: 'text',
  body: 'hi',
  mentions: [],
  mentionsRoom: false,
  permalink: 'https://matrix.to/#/!r:x/$e',
  timestamp: 0,
  ...over,
});

describe('Discord module units', () => {
  it('parses only well-formed alias localparts and DM chat ids', () => {
    expect(parseAliasLocalpart(aliasLocalpart('123456789012345678', '223456789012345678'))).toEqual({
      guildId: '123456789012345678',
      channelId: '223456789012345678',
    });
    expect(parseAliasLocalpart('general')).toBeNull();
    expect(parseAliasLocalpart('1234_5678')).toBeNull();
    expect(dmPartnerOf('dm:123456789012345678')).toBe('123456789012345678');
    expect(dmPartnerOf('dm:../../x')).toBeNull();
    expect(reactionKey({ id: null, name: '👍' })).toBe('👍');
    expect(reactionKey({ id: '1', name: 'blob' })).toBe(':blob:');
  });

  it('maps login failures to bridge state with an actionable message', () => {
    const token = describeLoginError(
      { code: 'TokenInvalid', message: 'An invalid token was provided.' },
      'DISCORD_BOT_TOKEN',
    );
    expect(token).toMatchObject({ kind: 'bad_credentials', retryMs: null });
    expect(token.problem).toMatch(/Reset Token.*DISCORD_BOT_TOKEN/);
    const intents = describeLoginError(new Error('Used disallowed intents'), 'X');
    expect(intents.problem).toMatch(/Message Content Intent/);
    expect(intents.retryMs).toBeGreaterThan(0);
    expect(describeLoginError(new Error('ECONNREFUSED'), 'X')).toMatchObject({
      kind: 'transient_disconnect',
    });
  });

  it('accepts only emoji (and this server’s custom emoji) as Discord reactions', () => {
    expect(discordEmoji('👍', null)).toBe(encodeURIComponent('👍'));
    expect(discordEmoji('🇫🇷', null)).toBe(encodeURIComponent('🇫🇷'));
    expect(() => discordEmoji('+1', null)).toThrow(/must be emoji/);
    expect(() => discordEmoji(':blob:', null)).toThrow(/must be emoji/);
    expect(() => discordEmoji('../../x', null)).toThrow();
  });

  it('counts Matrix reactors so the bot’s single reaction goes only when the last one leaves', async () => {
    const counts = new ReactionCounts(memoryKv());
    expect(await counts.add('m1', '👍', '@a:x')).toBe(true);
    expect(await counts.add('m1', '👍', '@b:x')).toBe(false);
    expect(await counts.add('m1', '👍', '@a:x')).toBe(false);
    expect(await counts.remove('m1', '👍', '@a:x')).toBe(false);
    expect(await counts.remove('m1', '👍', '@b:x')).toBe(true);
  });

  it('never lets a display name or reply snippet mention anyone', () => {
    expect(
      relayContent(msg({ sender: { userId: '@x:x', displayName: '@everyone <@1234567890123456>' } }), 'hi'),
    ).toBe('**@\u200beveryone <\u200b@1234567890123456>**: hi');
    expect(relayContent(msg({ msgtype: 'emote' }), 'waves')).toBe('* **Dana** waves');
    expect(relayContent(msg(), 'a\nb')).toBe('**Dana**:\na\nb');
    expect(webhookContent(msg({ msgtype: 'emote' }), 'waves')).toBe('*waves*');
    const replied = {
      authorId: '1234567890123456',
      authorName: 'Al*ice',
      isWebhook: false,
      content: 'ping @here <@&99>',
      link: 'l',
    };
    expect(replyQuote(replied, new Set())).toBe('> ↪ **Al\\*ice**: ping @\u200bhere <\u200b@&99>\n');
    expect(replyQuote(replied, new Set(['1234567890123456']))).toMatch(/^> ↪ <@1234567890123456>:/);
  });

  it('allows exactly the mentioned users, and never @everyone, @here or roles', () => {
    const mentions = [
      { remoteUserId: '1234567890123456', displayName: 'A' },
      { remoteUserId: 'webhook:1:x', displayName: 'W' },
    ];
    expect(allowedMentions(msg({ mentions, mentionsRoom: true }))).toEqual({
      parse: [],
      users: ['1234567890123456'],
    });
    expect(allowedMentions(msg(), false)).toEqual({ parse: [], repliedUser: false });
  });

  it('links a file Discord would refuse instead of uploading it', async () => {
    const download = jest.fn(async () => Buffer.alloc(5));
    const media = {
      mxc: 'mxc://x/y',
      mimetype: 'application/zip',
      filename: 'big.zip',
      size: 11 << 20,
      download,
    };
    expect(await mediaUpload(msg({ msgtype: 'file', media }))).toEqual({
      link: '📎 big.zip: https://matrix.to/#/!r:x/$e',
    });
    expect(download).not.toHaveBeenCalled();
    const small = { ...media, size: 5, publicUrl: 'https://bridge/x' };
    expect(await mediaUpload(msg({ msgtype: 'file', media: small }))).toEqual({
      file: { attachment: Buffer.alloc(5), name: 'big.zip' },
    });
  });
});
