/**
 * IRC channels end to end: a real InspIRCd, a real Synapse, the bridge in-process. `bob` and
 * `carol` are plain IRC clients (irc-framework); `dana` and `erin` are Matrix users whose puppets
 * appear on IRC once they speak.
 */
import { body, command, openManagementRoom, waitForText } from '../../e2e/e2e-helpers';
import type { MatrixEvent, TestMatrixClient } from '../../harness/matrix-test-client';
import { alias, content, DOMAIN, ghost, startIrcBed, waitForMember, type IrcBed } from './bridge-helpers';
import { Observer, waitUntil } from './helpers';

jest.setTimeout(120_000);

describe('IRC channels e2e', () => {
  let bed: IrcBed;
  let bob: Observer;
  let carol: Observer | undefined;
  let dana: TestMatrixClient;
  let room: string;
  let fromIrc: MatrixEvent;
  /** The room an admin linked to #other, and dana's management room. */
  let linked: string;
  let mgmt: string;
  const danaNick = 'dana[m]';

  beforeAll(async () => {
    const permissions = { '*': 'relay', [DOMAIN]: 'user', [`@dana:${DOMAIN}`]: 'admin' };
    bed = await startIrcBed({ extraConfig: { permissions } });
    bob = await Observer.connect(bed.ircd, 'bob');
    await bob.join('#lobby');
    dana = await bed.h.user('dana');
  });
  afterAll(async () => {
    await bob?.close();
    await carol?.close();
    await bed?.stop();
  });

  it('creates the portal on joining #irc_test_lobby; the bot joins and IRC users become ghosts', async () => {
    room = await dana.join(alias('#lobby'));
    await bob.waitFor((e) => e.type === 'join' && e.nick === 'switchboard' && e.target === '#lobby');
    const joined = await waitForMember(dana, room, ghost('bob'), 'join');
    expect(content(joined).displayname).toBe('bob');
  });

  it('bridges an IRC line into the room as the ghost', async () => {
    bob.client.say('#lobby', 'hello from irc');
    fromIrc = await waitForText(dana, room, 'hello from irc', ghost('bob'));
  });

  it("connects the Matrix user's own puppet on their first message, with their nick", async () => {
    await dana.sendMessage(room, { msgtype: 'm.text', body: 'hello from matrix' });
    const joined = await bob.waitFor((e) => e.type === 'join' && e.nick === danaNick);
    expect(joined.gecos).toBe(`@dana:${DOMAIN}`);
    const said = await bob.waitFor((e) => e.type === 'privmsg' && e.nick === danaNick);
    expect(said).toMatchObject({ target: '#lobby', text: 'hello from matrix' });
  });

  it('carries formatting, emotes and notices both ways, and pills for puppets', async () => {
    await dana.sendMessage(room, {
      msgtype: 'm.text',
      body: 'bold move',
      format: 'org.matrix.custom.html',
      formatted_body: `<strong>bold</strong> move, <a href="https://matrix.to/#/${ghost('bob')}">Bob</a>`,
    });
    await dana.sendMessage(room, { msgtype: 'm.emote', body: 'waves' });
    await dana.sendMessage(room, { msgtype: 'm.notice', body: 'a notice' });
    await bob.waitFor((e) => e.type === 'privmsg' && e.text === '\x02bold\x02 move, bob');
    await bob.waitFor((e) => e.type === 'action' && e.nick === danaNick && e.text === 'waves');
    await bob.waitFor((e) => e.type === 'notice' && e.nick === danaNick && e.text === 'a notice');

    bob.client.say('#lobby', `\x02loud\x02 <b>not html</b> ${danaNick}: hi`);
    bob.client.action('#lobby', 'shrugs');
    const loud = await waitForText(dana, room, 'loud', ghost('bob'));
    expect(body(loud)).toBe(`loud <b>not html</b> ${danaNick}: hi`);
    expect(content(loud).formatted_body).toBe(
      `<strong>loud</strong> &lt;b&gt;not html&lt;/b&gt; <a href="https://matrix.to/#/%40dana%3A${DOMAIN}">${danaNick}</a>: hi`,
    );
    expect(content(loud)['m.mentions']).toEqual({ user_ids: [`@dana:${DOMAIN}`] });
    const emote = await waitForText(dana, room, 'shrugs', ghost('bob'));
    expect(content(emote).msgtype).toBe('m.emote');
  });

  it('sends a reply with the nick, an edit as a correction, media as a name, long text as a link', async () => {
    const reply = await dana.sendMessage(room, {
      msgtype: 'm.text',
      body: 'right back',
      'm.relates_to': { 'm.in_reply_to': { event_id: fromIrc.event_id } },
    });
    await bob.waitFor((e) => e.type === 'privmsg' && e.text === 'bob: right back');
    await dana.sendMessage(room, {
      msgtype: 'm.text',
      body: '* right back!',
      'm.new_content': { msgtype: 'm.text', body: 'right back!' },
      'm.relates_to': { rel_type: 'm.replace', event_id: reply },
    });
    await bob.waitFor((e) => e.type === 'privmsg' && e.text === '* right back!');
    const mxc = await dana.uploadMedia(new Uint8Array(Buffer.from('hi')), 'text/plain', 'notes.txt');
    await dana.sendMessage(room, { msgtype: 'm.file', body: 'notes.txt', url: mxc, info: { size: 2 } });
    await bob.waitFor((e) => e.type === 'privmsg' && e.text === 'notes.txt');
    const long = Array.from({ length: 8 }, (_, i) => `line ${i + 1}`).join('\n');
    const longId = await dana.sendMessage(room, { msgtype: 'm.text', body: long });
    const linked = await bob.waitFor((e) => e.type === 'privmsg' && e.text.startsWith('line 1 …'));
    expect(linked.text).toContain(encodeURIComponent(longId));
    await dana.sendMessage(room, { msgtype: 'm.text', body: 'two\nlines' });
    await bob.waitFor((e) => e.type === 'privmsg' && e.text === 'lines');
    expect(bob.from(danaNick).some((e) => e.text === 'line 2')).toBe(false);
  });

  it('keeps CR, LF and NUL off the wire: no injected command runs', async () => {
    await dana.sendMessage(room, { msgtype: 'm.text', body: 'safe\r\nQUIT :pwned\0' });
    await dana.sendMessage(room, { msgtype: 'm.emote', body: 'acts\r\nPRIVMSG #lobby :injected' });
    await bob.waitFor((e) => e.type === 'action' && e.text === 'acts');
    await bob.waitFor((e) => e.type === 'privmsg' && e.text === 'QUIT :pwned');
    expect(bob.seen.some((e) => e.type === 'quit' && e.nick === danaNick)).toBe(false);
    expect(bob.seen.some((e) => e.type === 'privmsg' && e.text === 'injected')).toBe(false);
  });

  it('links an existing room with `bridge` (admin); topics follow both ways', async () => {
    bob.client.join('#other');
    await bob.waitFor((e) => e.type === 'join' && e.nick === 'bob' && e.target === '#other');
    bob.client.setTopic('#other', 'IRC topic \x02here');
    const bot = bed.h.bridge.botUserId;
    linked = await dana.createRoom({ name: 'Other', invite: [bot] });
    // The bot needs power in a linked room to set its topic (as in any room it did not create).
    const levels = (await dana.getState(linked, 'm.room.power_levels', '')) as {
      users?: Record<string, number>;
    };
    await dana.sendState(linked, 'm.room.power_levels', '', {
      ...levels,
      users: { ...levels.users, [bot]: 50 },
    });
    mgmt = await openManagementRoom(dana, bot);
    await command(dana, mgmt, bot, `bridge irc test/#other ${linked}`, 'Bridged');
    await bob.waitFor((e) => e.type === 'join' && e.nick === 'switchboard' && e.target === '#other');
    await dana.waitForEvent(
      linked,
      (e) => e.type === 'm.room.topic' && content(e).topic === 'IRC topic here',
    );
    await waitForMember(dana, linked, ghost('bob'), 'join');
    bob.client.raw('MODE #other -t');
    await dana.sendState(linked, 'm.room.topic', '', { topic: 'from Matrix\r\nKICK #other bob' });
    const topic = await bob.waitFor((e) => e.type === 'topic' && e.nick === danaNick);
    expect(topic).toMatchObject({ target: '#other', text: 'from Matrix KICK #other bob' });
    bob.client.say('#other', 'in the linked room');
    await waitForText(dana, linked, 'in the linked room', ghost('bob'));
  });

  it('carries a Matrix kick of an IRC user out through the puppet, once it is channel operator', async () => {
    const bot = bed.h.bridge.botUserId;
    const kim = await Observer.connect(bed.ircd, 'kim');
    try {
      await kim.join('#other');
      await waitForMember(dana, linked, ghost('kim'), 'join');
      // Without op, IRC refuses, and dana hears why in her management room.
      await dana.kick(linked, ghost('kim'), 'off topic');
      await waitForText(dana, mgmt, /#other.*(operator|op\b)/i, bot);
      expect(kim.seen.filter((e) => e.type === 'kick')).toEqual([]);
      // The ghost is let back in when kim speaks again.
      kim.client.say('#other', 'still here');
      await waitForText(dana, linked, 'still here', ghost('kim'));
      bob.client.raw(`MODE #other +o ${danaNick}`);
      await waitUntil(() => kim.rawLines.some((l) => l.includes(`MODE #other +o ${danaNick}`)), 'the op');
      await dana.kick(linked, ghost('kim'), 'enough');
      const kicked = await kim.waitFor((e) => e.type === 'kick' && e.kicked === 'kim');
      expect(kicked).toMatchObject({ nick: danaNick, target: '#other', text: 'enough' });
    } finally {
      await kim.close();
    }
  });

  it('turns joins, nick changes, parts and quits into membership and display names', async () => {
    carol = await Observer.connect(bed.ircd, 'carol');
    await carol.join('#lobby');
    await waitForMember(dana, room, ghost('carol'), 'join');
    carol.client.raw('NICK carol2');
    await waitForMember(dana, room, ghost('carol'), 'leave');
    const renamed = await waitForMember(dana, room, ghost('carol2'), 'join');
    expect(content(renamed).displayname).toBe('carol2');
    carol.client.raw('PART #lobby :bye');
    await waitForMember(dana, room, ghost('carol2'), 'leave');
    await carol.join('#lobby');
    await waitForMember(dana, room, ghost('carol2'), 'join');
    await carol.close();
    carol = undefined;
    await dana.waitForEvent(
      room,
      (e) =>
        e.type === 'm.room.member' && e.state_key === ghost('carol2') && content(e).membership === 'leave',
    );
  });

  it('enters a line seen by several puppets once, even while the bot is away', async () => {
    const erin = await bed.h.user('erin');
    await erin.join(room);
    await erin.sendMessage(room, { msgtype: 'm.text', body: 'erin here' });
    await bob.waitFor((e) => e.type === 'privmsg' && e.nick === 'erin[m]');
    bob.client.say('#lobby', 'one copy please');
    await waitForText(dana, room, 'one copy please', ghost('bob'));
    const net = bed.net();
    await net.bot.client.part('#lobby');
    await waitUntil(
      () => (net.channels.get('#lobby')?.listener?.isBot === false ? true : undefined),
      'a puppet listener',
    );
    bob.client.say('#lobby', 'bot is away');
    await waitForText(dana, room, 'bot is away', ghost('bob'));
    net.ensureIn(net.bot, '#lobby');
    await waitUntil(() => (net.channels.get('#lobby')?.listener?.isBot ? true : undefined), 'the bot back');
    bob.client.say('#lobby', 'bot is back');
    await waitForText(dana, room, 'bot is back', ghost('bob'));
    const recent = await dana.messages(room, { limit: 60 });
    for (const text of ['one copy please', 'bot is away', 'bot is back'])
      expect(recent.filter((e) => body(e) === text)).toHaveLength(1);
    expect(recent.some((e) => e.sender === ghost('dana') || e.sender === ghost('erin'))).toBe(false);
    await erin.leave(room);
    await bob.waitFor((e) => e.type === 'part' && e.nick === 'erin[m]');
  });
});
