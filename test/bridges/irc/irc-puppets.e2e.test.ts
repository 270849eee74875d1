/**
 * Puppets end to end: private messages both ways, the `nick` command, the connection cap, idle
 * reaping, and surviving a restart of the IRC server and of the bridge.
 */
import { command, openManagementRoom, waitForText } from '../../e2e/e2e-helpers';
import type { TestMatrixClient } from '../../harness/matrix-test-client';
import { alias, DOMAIN, ghost, startIrcBed, waitForMember, type IrcBed } from './bridge-helpers';
import { Observer, waitUntil } from './helpers';

jest.setTimeout(180_000);

describe('IRC puppets e2e', () => {
  let bed: IrcBed;
  let bob: Observer;
  let carol: Observer;
  let dana: TestMatrixClient;
  let room: string;
  let mgmt: string;
  const observers: Observer[] = [];
  const connect = async (nick: string) => {
    const o = await Observer.connect(bed.ircd, nick);
    observers.push(o);
    return o;
  };

  beforeAll(async () => {
    bed = await startIrcBed({ network: { max_connections: 2 } });
    bob = await connect('bob');
    await bob.join('#lobby');
    carol = await connect('carol');
    dana = await bed.h.user('dana');
    room = await dana.join(alias('#lobby'));
    mgmt = await openManagementRoom(dana, bed.h.bridge.botUserId);
    await dana.sendMessage(room, { msgtype: 'm.text', body: 'dana is here' });
    await bob.waitFor((e) => e.type === 'privmsg' && e.nick === 'dana[m]');
  });
  afterAll(async () => {
    for (const o of observers) await o.close();
    await bed?.stop();
  });

  it('opens a DM portal for the Matrix user when an IRC user PMs their puppet, and answers through it', async () => {
    bob.client.say('dana[m]', 'psst, \x02dana\x02');
    const invite = await dana.waitForInvite((i) => i.state.some((e) => e.sender === ghost('bob')), 20_000);
    await dana.join(invite.roomId);
    const msg = await waitForText(dana, invite.roomId, 'psst, dana', ghost('bob'));
    expect((msg.content as { formatted_body?: string }).formatted_body).toBe('psst, <strong>dana</strong>');
    await dana.sendMessage(invite.roomId, { msgtype: 'm.text', body: 'hi bob, privately' });
    const pm = await bob.waitFor((e) => e.type === 'privmsg' && e.text === 'hi bob, privately');
    expect(pm).toMatchObject({ nick: 'dana[m]', target: 'bob' });
  });

  it('opens a PM when the Matrix user invites an IRC ghost to a DM', async () => {
    const dm = await dana.createRoom({
      invite: [ghost('carol')],
      is_direct: true,
      preset: 'trusted_private_chat',
    });
    await waitForMember(dana, dm, ghost('carol'), 'join');
    await waitForMember(dana, dm, bed.h.bridge.botUserId, 'join');
    await dana.sendMessage(dm, { msgtype: 'm.emote', body: 'waves at carol' });
    const pm = await carol.waitFor((e) => e.type === 'action' && e.text === 'waves at carol');
    expect(pm).toMatchObject({ nick: 'dana[m]', target: 'carol' });
    carol.client.say('dana[m]', 'hello dana');
    await waitForText(dana, dm, 'hello dana', ghost('carol'));
  });

  it('starts a PM with `start-chat irc test/<nick>`', async () => {
    const dave = await connect('dave');
    const ready = await command(dana, mgmt, bed.h.bridge.botUserId, 'start-chat irc test/dave', 'Chat ready');
    const invite = await dana.waitForInvite((i) => String(ready.content.body).includes(i.roomId));
    await dana.join(invite.roomId);
    await dana.sendMessage(invite.roomId, { msgtype: 'm.text', body: 'hello dave' });
    const pm = await dave.waitFor((e) => e.type === 'privmsg' && e.text === 'hello dave');
    expect(pm).toMatchObject({ nick: 'dana[m]', target: 'dave' });
  });

  it('changes the puppet nick with the `nick` command', async () => {
    await command(
      dana,
      mgmt,
      bed.h.bridge.botUserId,
      'help',
      /nick \[new nick\] — Show or change your IRC nick/,
    );
    await command(dana, mgmt, bed.h.bridge.botUserId, 'nick dana_new', 'You are now dana_new');
    await bob.waitFor((e) => e.type === 'nick' && e.nick === 'dana[m]' && e.text === 'dana_new');
    await command(dana, mgmt, bed.h.bridge.botUserId, 'nick', 'You are dana_new on test');
    await command(dana, mgmt, bed.h.bridge.botUserId, 'nick -bad', 'not a valid IRC nick');
  });

  it('refuses a connection beyond the per-network cap with a clear notice, and reaps idle puppets', async () => {
    const erin = await bed.h.user('erin');
    const frank = await bed.h.user('frank');
    await erin.join(room);
    await frank.join(room);
    await erin.sendMessage(room, { msgtype: 'm.text', body: 'erin speaks' });
    await bob.waitFor((e) => e.type === 'privmsg' && e.nick === 'erin[m]');
    const refused = await frank.sendMessage(room, { msgtype: 'm.text', body: 'frank speaks' });
    const notice = await waitForText(frank, room, /Not delivered to IRC: .*2 connections to test, its limit/);
    expect(notice.content['m.relates_to']).toEqual({ 'm.in_reply_to': { event_id: refused } });

    const net = bed.net();
    const erinConn = net.puppetOf(`@erin:${DOMAIN}`);
    if (!erinConn) throw new Error('erin has no puppet');
    erinConn.lastActive = 0;
    net.cfg.idle_timeout_seconds = 60;
    await (net as unknown as { reap(): Promise<void> }).reap();
    net.cfg.idle_timeout_seconds = 0;
    await bob.waitFor((e) => e.type === 'quit' && e.nick === 'erin[m]' && /Idle/.test(e.text));
    await frank.sendMessage(room, { msgtype: 'm.text', body: 'frank again' });
    await bob.waitFor((e) => e.type === 'privmsg' && e.nick === 'frank[m]' && e.text === 'frank again');
  });

  it('survives a restart of the IRC server: bot and puppets reconnect and rejoin', async () => {
    await bed.ircd.restart();
    const net = bed.net();
    await waitUntil(
      () => (net.channels.get('#lobby')?.listener?.isBot ? true : undefined),
      'the bot back',
      30_000,
    );
    const bob2 = await connect('bob2');
    await bob2.join('#lobby');
    bob2.client.say('#lobby', 'after the restart');
    await waitForText(dana, room, 'after the restart', ghost('bob2'));
    await waitUntil(
      () => (net.channels.isIn(net.puppetOf(`@dana:${DOMAIN}`) as never, '#lobby') ? true : undefined),
      'dana back',
      30_000,
    );
    await dana.sendMessage(room, { msgtype: 'm.text', body: 'still here' });
    const said = await bob2.waitFor((e) => e.type === 'privmsg' && e.text === 'still here');
    expect(said.nick).toBe('dana_new');
  });

  it('brings active puppets back after a bridge restart, with their chosen nick', async () => {
    const watcher = await connect('watcher');
    await watcher.join('#lobby');
    await bed.h.restartBridge();
    await watcher.waitFor((e) => e.type === 'join' && e.nick === 'dana_new' && e.target === '#lobby', 30_000);
    watcher.client.say('#lobby', 'welcome back');
    await waitForText(dana, room, 'welcome back', ghost('watcher'));
  });
});
