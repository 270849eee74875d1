import { contactSays, exampleClient } from '../support/example-contacts';
import type { TestMatrixClient } from '../harness/matrix-test-client';
import { startBridgeHarness, type BridgeHarness } from '../support/bridge-harness';
import { eventually } from '../support/eventually';
import { command, exampleUserWithChat, openManagementRoom, waitForText } from './e2e-helpers';

jest.setTimeout(120_000);

const LOBBY = 'group:lobby';

/**
 * Matrix users removing remote users, against a real Synapse: a kick or ban of a ghost in a room
 * an admin linked is carried out on the network (SDK 1.3 `removeRemoteMember`), and the ghost
 * comes back into the room when it next speaks there.
 */
describe('kicking ghosts (example network)', () => {
  let h: BridgeHarness;
  let dana: TestMatrixClient;
  let loginId: string;
  let room: string;
  const alice = '@example_alice:switchboard.test';
  const seen = () => exampleClient(loginId).seen;

  beforeAll(async () => {
    h = await startBridgeHarness({
      bridges: { example: { enabled: true, contacts: ['alice', 'bob'], reply_delay_ms: 20 } },
      extraConfig: {
        permissions: { '*': 'relay', 'switchboard.test': 'admin', '@rita:switchboard.test': 'relay' },
      },
    });
    const bot = h.bridge.botUserId;
    ({ client: dana, loginId } = await exampleUserWithChat(h, 'dana', 'alice'));
    const mgmt = await openManagementRoom(dana, bot);
    room = await dana.createRoom({
      name: 'Lobby',
      preset: 'public_chat',
      invite: [bot],
      power_level_content_override: { users: { [bot]: 100 } },
    });
    await command(dana, mgmt, bot, `bridge example ${LOBBY} ${room}`, 'Bridged');
    await contactSays(loginId, 'alice', 'hello lobby', LOBBY);
    await waitForText(dana, room, 'hello lobby', alice);
  });
  afterAll(() => h?.stop());

  it('carries a Matrix kick of a contact out to the network, as the user who kicked', async () => {
    await dana.kick(room, alice, 'off topic');
    await eventually(() => seen().includes(`kick ${LOBBY} alice`), 'the kick to reach the network');
  });

  it('lets a kicked contact back in when it speaks again', async () => {
    await contactSays(loginId, 'alice', 'back again', LOBBY);
    await waitForText(dana, room, 'back again', alice);
  });

  it('does not act on the network for a user the bridge only relays, and says so', async () => {
    const rita = await h.user('rita');
    await rita.join(room);
    const levels = await dana.getState(room, 'm.room.power_levels');
    const users = { ...(levels.users as Record<string, number>), [rita.userId]: 50 };
    await dana.sendState(room, 'm.room.power_levels', '', { ...levels, users });
    const before = seen().length;
    await rita.kick(room, alice, 'I can');
    await waitForText(dana, room, 'you may not act on the network', h.bridge.botUserId);
    expect(
      seen()
        .slice(before)
        .filter((s) => s.startsWith('kick')),
    ).toEqual([]);
    await contactSays(loginId, 'alice', 'still welcome', LOBBY);
    await waitForText(dana, room, 'still welcome', alice);
  });

  it('carries a ban out as a ban', async () => {
    await dana.ban(room, alice, 'for good');
    await eventually(() => seen().includes(`ban ${LOBBY} alice`), 'the ban to reach the network');
    // What a banned contact says stays out of the room, and the chat goes on.
    await contactSays(loginId, 'alice', 'let me in', LOBBY);
    await contactSays(loginId, 'bob', 'bob still talks', LOBBY);
    await waitForText(dana, room, 'bob still talks', '@example_bob:switchboard.test');
    const texts = (await dana.messages(room, { limit: 20 })).map((e) => String(e.content.body ?? ''));
    expect(texts).not.toContain('let me in');
    expect(await dana.getState(room, 'm.room.member', alice)).toMatchObject({ membership: 'ban' });
  });
});
