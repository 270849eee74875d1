/** The example module's session: what the scripted contacts do, and what Matrix users do. */
import type { NetEvent } from '../../../bridges/example/client';
import { LOBBY } from '../../../bridges/example/ids';
import { BridgeError } from '../../../src/sdk';
import { contactDoes, contactSays, exampleClient } from '../../support/example-contacts';
import { actor, dana, ex, message, portal, talk, useExample } from './fixtures';

describe('bridges/example', () => {
  useExample();

  describe('session', () => {
    it('leaves connecting/connected to the core, and refuses a bad token', async () => {
      expect(ex.ctx.states).toEqual([]);
      const bad = ex.connector.loadLogin?.({ ...dana, id: 'login-bad', credentials: 'nope' });
      await expect(bad?.connect()).rejects.toMatchObject({ name: 'BridgeError', code: 'bad_credentials' });
    });

    it('sends a message and emits the contact answer: read, then the echo as a reply', async () => {
      const { remoteId, echo, from } = await talk('hello');
      expect(exampleClient(dana.id).seen).toContain(`send dm:alice ${remoteId} hello`);
      expect(ex.ctx.events.slice(from, from + 2).map((e) => e.type)).toEqual(['read', 'message']);
      expect(ex.ctx.events[from]).toMatchObject({
        type: 'read',
        upToId: remoteId,
        chat: { id: 'dm:alice', receiver: dana.id },
      });
      expect(echo).toEqual({
        type: 'message',
        id: echo.id,
        chat: { id: 'dm:alice', receiver: dana.id },
        sender: { id: 'alice', isFromMe: false },
        parts: [{ kind: 'text', text: 'echo: hello', html: '<strong>echo:</strong> hello' }],
        replyTo: remoteId,
      });
      // No profile or chat facts on the event: the core asks getUserInfo / getChatInfo (SDK 1.2).
      const profile = await ex.session.getUserInfo?.({ id: 'alice' });
      expect(profile).toMatchObject({ displayName: 'Alice Example', avatarKey: 'px' });
      const avatar = await profile?.fetchAvatar?.();
      expect(avatar?.mimetype).toBe('image/png');
      expect(avatar?.data.subarray(1, 4).toString()).toBe('PNG');
      await expect(ex.session.getChatInfo?.({ id: 'dm:alice', receiver: dana.id })).resolves.toEqual({
        kind: 'dm',
        dmPartner: { id: 'alice' },
      });
    });

    it('react: the contact reacts 👍 to the message', async () => {
      const { remoteId, from } = await talk('react');
      await expect(ex.ctx.waitFor('reaction', undefined, { from })).resolves.toMatchObject({
        targetId: remoteId,
        key: '👍',
      });
    });

    it('edit: the contact edits its answer; delete: it deletes it', async () => {
      const edited = await talk('edit');
      await expect(ex.ctx.waitFor('edit', undefined, { from: edited.from })).resolves.toMatchObject({
        targetId: edited.echo.id,
        parts: [{ kind: 'text', text: 'edited: edit' }],
      });
      const deleted = await talk('delete');
      await expect(ex.ctx.waitFor('redaction', undefined, { from: deleted.from })).resolves.toMatchObject({
        targetId: deleted.echo.id,
      });
    });

    it('image: sends a PNG, loadable again by its ref after a restart', async () => {
      const { from } = await talk('image');
      const image = await ex.ctx.waitFor('message', (m) => m.parts[0]?.kind === 'media', { from });
      const part = image.parts[0];
      if (part?.kind !== 'media') throw new Error('not media');
      expect(part).toMatchObject({ mediaKind: 'image', ref: 'px' });
      const live = await part.load?.();
      const replayed = await ex.connector.loadMedia?.(JSON.parse(JSON.stringify(part.ref)));
      expect(live?.mimetype).toBe('image/png');
      expect(replayed?.data.equals(live?.data ?? Buffer.alloc(0))).toBe(true);
    });

    it("escapes hostile text in the echo and renders only the network's own markup", async () => {
      const { echo } = await talk('<script>alert(1)</script> & <b>bold?</b> **loud**');
      expect(echo.parts[0]).toEqual({
        kind: 'text',
        text: 'echo: <script>alert(1)</script> & <b>bold?</b> loud',
        html: '<strong>echo:</strong> &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold?&lt;/b&gt; <strong>loud</strong>',
      });
    });
    it('answers in the shared lobby as the first contact, without a receiver', async () => {
      const { echo } = await talk('hi all', 'group:lobby');
      expect(echo).toMatchObject({ chat: { id: 'group:lobby', receiver: '' }, sender: { id: 'alice' } });
      await expect(ex.session.getChatInfo?.({ id: 'group:lobby' })).resolves.toEqual({
        kind: 'group',
        name: 'Lobby',
        members: [{ id: 'alice' }, { id: 'bob' }],
      });
    });

    it('records what Matrix users do, so tests can see the network got it', async () => {
      const { remoteId } = await talk('original');
      const target = { remoteId, part: '0', eventId: '$original' };
      const dm = portal('dm:alice');
      await ex.session.editMessage?.(dm, target, message('fixed'));
      await ex.session.sendReaction?.(dm, target, '🎉', actor);
      await ex.session.removeReaction?.(dm, target, '🎉', actor);
      await ex.session.redactMessage?.(dm, target, actor);
      await ex.session.setTyping?.(dm, true, actor);
      await ex.session.markRead?.(dm, target, actor);
      await ex.session.setChatInfo?.(portal('group:lobby'), { topic: 'new' }, actor);
      await ex.session.onMatrixMembership?.(portal('group:lobby'), { ...actor, membership: 'join' });
      expect(exampleClient(dana.id).seen.slice(1)).toEqual([
        `edit dm:alice ${remoteId} fixed`,
        `react dm:alice ${remoteId} 🎉`,
        `unreact dm:alice ${remoteId} 🎉`,
        `redact dm:alice ${remoteId}`,
        'typing dm:alice true',
        `read dm:alice ${remoteId}`,
        'chat_info group:lobby {"topic":"new"}',
        'join group:lobby @dana:example.test',
      ]);
    });

    it('resolves identifiers, aliases, chats and users; unknown ones are not found', async () => {
      await expect(ex.session.resolveIdentifier?.('alice')).resolves.toEqual({
        chat: { id: 'dm:alice', receiver: dana.id },
        info: { kind: 'dm', dmPartner: { id: 'alice' } },
        user: { id: 'alice' },
      });
      await expect(ex.session.resolveIdentifier?.('mallory')).rejects.toMatchObject({ code: 'not_found' });
      await expect(ex.session.resolveIdentifier?.('mallory')).rejects.toBeInstanceOf(BridgeError);
      await expect(ex.connector.resolveAlias?.('lobby')).resolves.toMatchObject({
        chat: { id: 'group:lobby' },
        info: { kind: 'group', name: 'Lobby' },
      });
      await expect(ex.connector.resolveAlias?.('nope')).resolves.toBeNull();
      await expect(ex.session.getChatInfo?.({ id: 'group:lobby' })).resolves.toMatchObject({ kind: 'group' });
      await expect(ex.session.getChatInfo?.({ id: 'dm:mallory' })).rejects.toMatchObject({
        code: 'not_found',
      });
      await expect(ex.session.getUserInfo?.({ id: 'bob' })).resolves.toMatchObject({
        displayName: 'Bob Example',
        avatarKey: 'px',
      });
    });

    it('disconnect stops sending', async () => {
      await ex.session.disconnect();
      await expect(ex.session.sendMessage(portal('dm:alice'), message('hello'))).rejects.toMatchObject({
        code: 'not_logged_in',
      });
    });

    it('logs, and does not crash, when the core cannot take an answer', async () => {
      ex.ctx.failEmits = new Error('database down');
      await ex.session.sendMessage(portal('dm:alice'), message('hello'));
      for (let i = 0; i < 50 && !ex.ctx.logs.some((l) => l.level === 'error'); i++)
        await new Promise((r) => setTimeout(r, 5));
      expect(ex.ctx.logs).toContainEqual(
        expect.objectContaining({ level: 'error', message: 'Error: database down' }),
      );
    });
  });

  // What contacts do on their own (the tests act as the network): the module's to-matrix.ts
  // addresses every kind of event the SDK has, each in its chat, by its sender.
  describe('network → remote events', () => {
    const does = (event: NetEvent, chat = 'dm:alice', from = 'alice') =>
      contactDoes(dana.id, chat, from, event).then(() => ex.ctx.events.at(-1));

    it('typing, read, reaction removal', async () => {
      await expect(does({ type: 'typing', typing: true })).resolves.toEqual({
        type: 'typing',
        typing: true,
        chat: { id: 'dm:alice', receiver: dana.id },
        sender: { id: 'alice', isFromMe: false },
      });
      await expect(does({ type: 'read', upToId: 'm1' })).resolves.toMatchObject({ upToId: 'm1' });
      await expect(does({ type: 'reaction_remove', targetId: 'm1', key: '👍' })).resolves.toMatchObject({
        type: 'reaction_remove',
      });
    });

    it('mentions, emotes in threads, locations, backfilled messages', async () => {
      const mention = { kind: 'text', text: 'hey @dana', mentions: [{ id: 'dana' }] } as const;
      await expect(does({ type: 'message', id: 'a', parts: [mention] })).resolves.toMatchObject({
        parts: [mention],
      });
      const wave = { kind: 'text', msgtype: 'emote', text: 'waves' } as const;
      await expect(does({ type: 'message', id: 'b', parts: [wave], threadRoot: 'a' })).resolves.toMatchObject(
        { threadRoot: 'a', parts: [wave] },
      );
      const place = { kind: 'location', latitude: 52.52, longitude: 13.405 } as const;
      await expect(does({ type: 'message', id: 'c', parts: [place] })).resolves.toMatchObject({
        parts: [place],
      });
      const old = Date.now() - 3_600_000;
      await expect(
        does({
          type: 'message',
          id: 'd',
          parts: [{ kind: 'text', text: 'old' }],
          backfill: true,
          timestamp: old,
        }),
      ).resolves.toMatchObject({ backfill: true, timestamp: old });
    });

    it('chat info and membership in the lobby, without a receiver', async () => {
      await expect(does({ type: 'chat_info', info: { topic: 'alice was here' } }, LOBBY)).resolves.toEqual({
        type: 'chat_info',
        info: { topic: 'alice was here' },
        chat: { id: LOBBY, receiver: '' },
        sender: { id: 'alice', isFromMe: false },
      });
      await expect(
        does({ type: 'member', member: { id: 'bob' }, membership: 'leave' }, LOBBY, 'bob'),
      ).resolves.toMatchObject({ member: { id: 'bob' }, membership: 'leave' });
    });

    it('a rename is not about one chat: it goes out without chat or sender', async () => {
      const rename = { type: 'user_info', user: { id: 'alice' }, info: { displayName: 'Ally' } } as const;
      await expect(does(rename)).resolves.toEqual(rename);
    });

    it('the user writing from another device is marked as their own', async () => {
      const mine = await contactSays(dana.id, 'dana', 'from my phone', 'dm:alice');
      await expect(ex.ctx.waitFor('message', (m) => m.id === mine)).resolves.toMatchObject({
        sender: { id: 'dana', isFromMe: true },
      });
    });
  });
});
