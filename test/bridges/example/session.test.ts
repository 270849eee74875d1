/** The example module's session: what the scripted contacts do, and what Matrix users do. */
import { exampleNetwork } from '../../../bridges/example/client';
import { BridgeError } from '../../../src/sdk';
import { actor, dana, ex, message, portal, talk, textOf, useExample } from './fixtures';

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
      expect(exampleNetwork.clients.get(dana.id)?.seen).toContain(`send dm:alice ${remoteId} hello`);
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
        parts: [{ kind: 'text', text: 'echo: hello' }],
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

    it('react: the contact reacts 👍 to the message; unreact takes it back', async () => {
      const { remoteId, from } = await talk('react');
      await expect(ex.ctx.waitFor('reaction', undefined, { from })).resolves.toMatchObject({
        targetId: remoteId,
        key: '👍',
      });
      const second = await talk('unreact');
      await expect(
        ex.ctx.waitFor('reaction_remove', undefined, { from: second.from }),
      ).resolves.toMatchObject({
        targetId: second.remoteId,
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

    it('typing: typing on before the answer, off after it', async () => {
      const { from } = await talk('typing');
      await ex.ctx.waitFor('typing', (t) => !t.typing, { from });
      expect(
        ex.ctx.events.slice(from).map((e) => (e.type === 'typing' ? `typing ${e.typing}` : e.type)),
      ).toEqual(['read', 'typing true', 'message', 'typing false']);
    });

    it('image: sends a PNG with a caption, loadable again by its ref after a restart', async () => {
      const { from } = await talk('image');
      const image = await ex.ctx.waitFor('message', (m) => m.parts[0]?.kind === 'media', { from });
      const part = image.parts[0];
      if (part?.kind !== 'media') throw new Error('not media');
      expect(part).toMatchObject({ mediaKind: 'image', caption: 'a pixel', ref: 'px' });
      const live = await part.load?.();
      const replayed = await ex.connector.loadMedia?.(JSON.parse(JSON.stringify(part.ref)));
      expect(live?.mimetype).toBe('image/png');
      expect(replayed?.data.equals(live?.data ?? Buffer.alloc(0))).toBe(true);
    });

    it('html: hostile remote text is escaped, real formatting added', async () => {
      const { from } = await talk('html');
      const msg = await ex.ctx.waitFor('message', (m) => textOf(m).startsWith('Careful'), { from });
      expect(msg.parts[0]).toEqual({
        kind: 'text',
        text: 'Careful: <script>alert(1)</script> & <b>bold?</b>',
        html: '<strong>Careful:</strong> &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold?&lt;/b&gt;',
      });
    });

    it('mention: mentions the user back', async () => {
      const { from } = await talk('mention');
      const msg = await ex.ctx.waitFor('message', (m) => textOf(m) === 'hey @dana', { from });
      expect(msg.parts[0]).toMatchObject({ mentions: [{ id: 'dana' }] });
    });

    it('wave, location, history: an emote in a thread, a location, a backfilled message', async () => {
      const wave = await talk('wave');
      const emote = await ex.ctx.waitFor('message', (m) => textOf(m) === 'waves', { from: wave.from });
      expect(emote).toMatchObject({ threadRoot: wave.remoteId, parts: [{ msgtype: 'emote' }] });
      const loc = await talk('location');
      const place = await ex.ctx.waitFor('message', (m) => m.parts[0]?.kind === 'location', {
        from: loc.from,
      });
      expect(place.parts[0]).toEqual({ kind: 'location', latitude: 52.52, longitude: 13.405 });
      const old = await talk('history');
      const past = await ex.ctx.waitFor('message', (m) => m.backfill === true, { from: old.from });
      expect(past.timestamp).toBeLessThan(Date.now() - 3_500_000);
    });

    it('topic, leave, join, rename: chat info, membership and profile changes', async () => {
      const topic = await talk('topic');
      await expect(ex.ctx.waitFor('chat_info', undefined, { from: topic.from })).resolves.toMatchObject({
        info: { topic: 'alice was here' },
      });
      const leave = await talk('leave');
      await expect(ex.ctx.waitFor('member', undefined, { from: leave.from })).resolves.toMatchObject({
        member: { id: 'alice' },
        membership: 'leave',
      });
      const join = await talk('join');
      await expect(ex.ctx.waitFor('member', undefined, { from: join.from })).resolves.toMatchObject({
        membership: 'join',
      });

      const rename = await talk('rename');
      await expect(ex.ctx.waitFor('user_info', undefined, { from: rename.from })).resolves.toMatchObject({
        user: { id: 'alice' },
        info: { displayName: 'alice (renamed)' },
      });
      await expect(ex.session.getUserInfo?.({ id: 'alice' })).resolves.toMatchObject({
        displayName: 'alice (renamed)',
      });
      const back = await talk('rename');
      await expect(ex.ctx.waitFor('user_info', undefined, { from: back.from })).resolves.toMatchObject({
        info: { displayName: 'Alice Example' },
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
      expect(exampleNetwork.clients.get(dana.id)?.seen.slice(1)).toEqual([
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

    it('the test hook makes a contact speak unprompted, or the user from another device', async () => {
      const id = await exampleNetwork.contactSays(dana.id, 'bob', 'are you there?');
      await expect(ex.ctx.waitFor('message', (m) => m.id === id)).resolves.toMatchObject({
        chat: { id: 'dm:bob', receiver: dana.id },
        sender: { id: 'bob', isFromMe: false },
        parts: [{ kind: 'text', text: 'are you there?' }],
      });
      const mine = await exampleNetwork.contactSays(dana.id, 'dana', 'from my phone', 'dm:alice');
      await expect(ex.ctx.waitFor('message', (m) => m.id === mine)).resolves.toMatchObject({
        sender: { id: 'dana', isFromMe: true },
      });
    });

    it('disconnect stops sending; logout forgets the client', async () => {
      await ex.session.disconnect();
      await expect(ex.session.sendMessage(portal('dm:alice'), message('hello'))).rejects.toMatchObject({
        code: 'not_logged_in',
      });
      await ex.session.logout?.();
      expect(exampleNetwork.clients.has(dana.id)).toBe(false);
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
});
