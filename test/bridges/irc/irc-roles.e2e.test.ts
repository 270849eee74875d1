/**
 * IRC channel modes as Matrix power levels, end to end: a real InspIRCd, a real Synapse, the bridge
 * in-process. `bob` founds #roles (so he is its op) and hands modes to `carol`; `dana` is a Matrix
 * user reading the portal's `m.room.power_levels` through the client API.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestMatrixClient } from '../../harness/matrix-test-client';
import { alias, DOMAIN, ghost, startIrcBed, waitForMember, type IrcBed } from './bridge-helpers';
import { Observer } from './helpers';

jest.setTimeout(120_000);

/** Op (moderator, 50) lands one below @room's 50; voice asks for 10, under every cap. */
const OP = 49;
const VOICE = 10;

describe('IRC ops and voice as power levels e2e', () => {
  let bed: IrcBed;
  let bob: Observer;
  let carol: Observer | undefined;
  let dana: TestMatrixClient;
  let room: string;

  /** The ghosts' entries in the room's power levels, as a Matrix client reads them. */
  const ghostLevels = async (): Promise<Record<string, number>> => {
    const pl = await dana.getState(room, 'm.room.power_levels');
    const users = (pl.users ?? {}) as Record<string, number>;
    return Object.fromEntries(Object.entries(users).filter(([u]) => u.startsWith('@irc_')));
  };
  const levelsBecome = async (want: Record<string, number>): Promise<Record<string, unknown>> => {
    const deadline = Date.now() + 20_000;
    let last: Record<string, number> = {};
    while (Date.now() < deadline) {
      last = await ghostLevels();
      if (JSON.stringify(Object.entries(last).sort()) === JSON.stringify(Object.entries(want).sort()))
        return dana.getState(room, 'm.room.power_levels');
      await sleep(200);
    }
    throw new Error(`power levels stayed ${JSON.stringify(last)}, expected ${JSON.stringify(want)}`);
  };

  beforeAll(async () => {
    bed = await startIrcBed();
    bob = await Observer.connect(bed.ircd, 'bob');
    await bob.join('#roles');
    carol = await Observer.connect(bed.ircd, 'carol');
    await carol.join('#roles');
    bob.client.raw('MODE #roles +v carol');
    await sleep(200);
    dana = await bed.h.user('dana');
  });
  afterAll(async () => {
    await bob?.close();
    await carol?.close();
    await bed?.stop();
  });

  it('gives the channel founder (op) and a voiced user their levels from NAMES at the bridge join', async () => {
    room = await dana.join(alias('#roles'));
    await waitForMember(dana, room, ghost('carol'), 'join');
    const pl = await levelsBecome({ [ghost('bob')]: OP, [ghost('carol')]: VOICE });
    // The cap: below @room and below the power to change power levels; Matrix users untouched.
    const notifications = (pl.notifications ?? {}) as { room?: number };
    expect(OP).toBeLessThan(notifications.room ?? 50);
    expect((pl.users as Record<string, number>)[`@dana:${DOMAIN}`]).toBeUndefined();
  });

  it('follows +o and -o, and -v takes the ghost back to the default', async () => {
    bob.client.raw('MODE #roles +o carol');
    await levelsBecome({ [ghost('bob')]: OP, [ghost('carol')]: OP });
    bob.client.raw('MODE #roles -o carol');
    await levelsBecome({ [ghost('bob')]: OP, [ghost('carol')]: VOICE });
    bob.client.raw('MODE #roles -v carol');
    await levelsBecome({ [ghost('bob')]: OP });
  });

  it('keeps the modes with a new nick, and drops them when the user leaves', async () => {
    bob.client.raw('MODE #roles +v carol');
    await levelsBecome({ [ghost('bob')]: OP, [ghost('carol')]: VOICE });
    bob.client.raw('NICK bob2');
    await waitForMember(dana, room, ghost('bob2'), 'join');
    await levelsBecome({ [ghost('bob2')]: OP, [ghost('carol')]: VOICE });
    carol?.client.raw('PART #roles :bye');
    await waitForMember(dana, room, ghost('carol'), 'leave');
    await levelsBecome({ [ghost('bob2')]: OP });
  });

  it('never lets a ghost out-rank a Matrix user who was given power', async () => {
    const { client } = bed.h.bridge.services;
    const bot = bed.h.bridge.botUserId;
    const danaId = `@dana:${DOMAIN}`;
    const pl = (await client.getState<Record<string, unknown>>(room, 'm.room.power_levels', '', bot)) ?? {};
    const users = { ...(pl.users as Record<string, number>), [danaId]: 20 };
    await client.sendState(room, 'm.room.power_levels', '', { ...pl, users }, bot);
    await carol?.join('#roles');
    await waitForMember(dana, room, ghost('carol'), 'join');
    bob.client.raw('MODE #roles +o carol');
    // carol's op and bob2's existing one both stop at dana's 20; dana keeps hers.
    const after = await levelsBecome({ [ghost('bob2')]: 20, [ghost('carol')]: 20 });
    expect((after.users as Record<string, number>)[danaId]).toBe(20);
  });
});
