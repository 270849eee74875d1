import { contactSays, exampleClient } from '../support/example-contacts';
import type { MatrixEvent } from '../harness/matrix-sync';
import type { TestMatrixClient } from '../harness/matrix-test-client';
import { startBridgeHarness, type BridgeHarness } from '../support/bridge-harness';
import { eventually } from '../support/eventually';
import { command, exampleUserWithChat, openManagementRoom, waitForText } from './e2e-helpers';

jest.setTimeout(120_000);

const LOBBY = 'group:lobby';

/**
 * Room upgrades against a real Synapse: when the Matrix side upgrades a bridged room, the chat
 * follows into the replacement room, and only an upgrade both rooms agree on moves a portal.
 */
describe.each(['synapse', 'dendrite'] as const)('room upgrades (example network) on %s', (homeserver) => {
  let h: BridgeHarness;
  let dana: TestMatrixClient;
  let loginId: string;
  let mgmt: string;
  let bot: string;
  const alice = '@example_alice:switchboard.test';

  beforeAll(async () => {
    h = await startBridgeHarness({
      homeserver,
      bridges: { example: { enabled: true, contacts: ['alice', 'bob'], reply_delay_ms: 20 } },
      extraConfig: { permissions: { '*': 'relay', 'switchboard.test': 'admin' } },
    });
    bot = h.bridge.botUserId;
    ({ client: dana, loginId } = await exampleUserWithChat(h, 'dana', 'alice'));
    mgmt = await openManagementRoom(dana, bot);
  });
  afterAll(() => h?.stop());

  const portalRoom = async () => (await h.bridge.store.portals.get('example', { id: LOBBY }))?.room_id;
  const version = async (room: string) => String((await dana.getState(room, 'm.room.create')).room_version);
  const members = async (room: string) => Object.keys(await dana.joinedMembers(room));
  /** A contact speaks in the lobby; the message must show in `room`. */
  const aliceSaysIn = async (room: string, text: string) => {
    await contactSays(loginId, 'alice', text, LOBBY);
    return waitForText(dana, room, text, alice);
  };
  const linkLobby = async (preset: 'public_chat' | 'private_chat') => {
    // An admin linking a room gives the bot power in it (to invite ghosts, set names).
    const room = await dana.createRoom({
      name: 'Lobby link',
      preset,
      invite: [bot],
      power_level_content_override: { users: { [bot]: 100 } },
    });
    await command(dana, mgmt, bot, `bridge example ${LOBBY} ${room}`, 'Bridged');
    await aliceSaysIn(room, `hello ${preset}`);
    return room;
  };

  it('keeps the management room when an admin invites the bot into a small room to link it', async () => {
    const room = await dana.createRoom({ name: 'To link', preset: 'private_chat', invite: [bot] });
    await dana.waitForEvent(
      room,
      (e) => e.type === 'm.room.member' && e.state_key === bot && e.content.membership === 'join',
    );
    await h.bridge.idle();
    expect(await h.bridge.store.users.managementRoom(dana.userId)).toBe(mgmt);
    await command(dana, mgmt, bot, 'ping', /./);
  });

  it('does not follow a tombstone whose room does not name the portal as its predecessor', async () => {
    const room = await linkLobby('public_chat');
    const elsewhere = await dana.createRoom({ name: 'Unrelated', preset: 'public_chat' });
    await dana.sendState(room, 'm.room.tombstone', '', { body: 'moved', replacement_room: elsewhere });
    // The bot looks (it joins to read the create event), and leaves again.
    const botIs = (membership: string) => (e: MatrixEvent) =>
      e.type === 'm.room.member' && e.state_key === bot && e.content.membership === membership;
    await dana.waitForEvent(elsewhere, botIs('join'));
    await dana.waitForEvent(elsewhere, botIs('leave'));
    expect(await portalRoom()).toBe(room);
    await aliceSaysIn(room, 'still here');
    await command(dana, mgmt, bot, `unbridge ${room}`, 'Unbridged');
  });

  it('follows the upgrade of a public room at once: messages flow in the new room, both ways', async () => {
    const room = await linkLobby('public_chat');
    const next = await dana.upgradeRoom(room, await version(room));
    await eventually(async () => (await portalRoom()) === next, 'the portal to move');

    await aliceSaysIn(next, 'after the upgrade');
    await dana.sendMessage(next, { msgtype: 'm.text', body: 'from the new room' });
    const seen = () => exampleClient(loginId).seen;
    await eventually(
      () => seen().some((s) => s.startsWith(`send ${LOBBY}`) && s.endsWith('from the new room')),
      'the message to reach the network',
    );

    const state = await dana.getState(next, 'm.bridge', `switchboard://example/${encodeURIComponent(LOBBY)}`);
    expect(state).toMatchObject({ bridgebot: bot, channel: { id: LOBBY } });
    // The old room is left behind by the bridge: no bot, no ghosts.
    await eventually(async () => {
      const left = await members(room);
      return !left.includes(bot) && !left.includes(alice);
    }, 'the bridge to leave the old room');
    expect(await h.bridge.store.portals.byRoom(room)).toBeNull();
    await command(dana, mgmt, bot, `unbridge ${next}`, 'Unbridged');
  });

  it('asks for an invite into an invite-only replacement, and follows when invited', async () => {
    const room = await linkLobby('private_chat');
    const next = await dana.upgradeRoom(room, await version(room));
    await waitForText(dana, room, 'cannot join the new room', bot);
    expect(await portalRoom()).toBe(room);

    await dana.invite(next, bot);
    await eventually(async () => (await portalRoom()) === next, 'the portal to move');
    await aliceSaysIn(next, 'invited in');
    const again = await aliceSaysIn(next, 'and again');
    // Recorded after the send: the homeserver may show the event first.
    const mapped = await eventually(() => h.bridge.store.messages.byEventId(again.event_id), 'the mapping');
    expect(mapped).toMatchObject({ room_id: next });
  });

  it('never hands a portal to a room that only claims to replace it', async () => {
    const room = await portalRoom();
    if (!room) throw new Error('no lobby portal');
    const eve = await h.user('eve');
    const fake = await eve.createRoom({
      name: 'Totally the lobby',
      preset: 'private_chat',
      creation_content: { predecessor: { room_id: room, event_id: '$whatever' } },
    });
    expect((await eve.getState(fake, 'm.room.create')).predecessor).toMatchObject({ room_id: room });
    await eve.invite(fake, bot);
    await eve.invite(fake, alice);
    // Let the bridge act on both invites before looking.
    await new Promise((r) => setTimeout(r, 1500));
    await h.bridge.idle();
    expect(await portalRoom()).toBe(room);
    await aliceSaysIn(room, 'still in the real room');
  });
});
