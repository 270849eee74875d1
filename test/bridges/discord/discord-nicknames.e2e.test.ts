/**
 * Server nicknames, end to end (real Synapse, real discord.js against the fake Discord): a
 * member's ghost is named by their guild nickname in the guild's rooms (`m.room.member`) while its
 * global profile keeps the global name; nickname changes, removals, joins with a nickname and a
 * change of the global name all end with the rooms showing the right name, without extra updates
 * (after a global change, the core sets the nickname again once Synapse's rewrite of the room came).
 */
import type { TestMatrixClient } from '../../harness/matrix-test-client';
import { waitForText } from '../../e2e/e2e-helpers';
import {
  alias,
  ALICE,
  BOB,
  botOf,
  CAROL,
  GENERAL,
  ghost,
  GUILD,
  RANDOM,
  startDiscordBed,
  until,
  type DiscordTestBed,
} from './helpers';

jest.setTimeout(120_000);

describe('Discord nicknames e2e', () => {
  let bed: DiscordTestBed;
  let dana: TestMatrixClient;
  let general: string;
  let random: string;

  beforeAll(async () => {
    bed = await startDiscordBed();
    await until(() => botOf(bed.h).state.kind === 'connected', 'the bot to connect');
    dana = await bed.h.user('dana');
    general = await dana.join(alias(GENERAL));
    random = await dana.join(alias(RANDOM));
  });
  afterAll(() => bed?.stop());

  /** The ghost's display name in the room's `m.room.member` state (undefined when not there). */
  async function roomName(room: string, userId: string): Promise<unknown> {
    const state = await dana.getState(room, 'm.room.member', userId).catch(() => null);
    return state?.membership === 'join' ? state.displayname : undefined;
  }
  const globalName = async (userId: string) => (await dana.getProfile(userId)).displayname;
  const named = (room: string, id: string, name: string) =>
    until(async () => (await roomName(room, ghost(id))) === name, `${name} in ${room}`);
  /** Display names of the ghost's join events in the room's timeline, oldest first. */
  async function joinNames(room: string, id: string): Promise<unknown[]> {
    const events = await dana.messages(room, { limit: 100 });
    return events
      .filter((e) => e.type === 'm.room.member' && e.state_key === ghost(id))
      .map((e) => e.content as Record<string, unknown>)
      .filter((c) => c.membership === 'join')
      .map((c) => c.displayname)
      .reverse();
  }

  it('names a member by their server nickname in the rooms and by the global name in the profile', async () => {
    bed.fake.userSendsMessage(GENERAL, ALICE, { content: 'hello from Ally' });
    bed.fake.userSendsMessage(RANDOM, ALICE, { content: 'also here' });
    bed.fake.userSendsMessage(GENERAL, BOB, { content: 'no nickname here' });
    await waitForText(dana, general, 'hello from Ally', ghost(ALICE));
    await waitForText(dana, random, 'also here', ghost(ALICE));
    await waitForText(dana, general, 'no nickname here', ghost(BOB));
    await named(general, ALICE, 'Ally');
    await named(random, ALICE, 'Ally');
    expect(await globalName(ghost(ALICE))).toBe('Alice');
    expect(await roomName(general, ghost(BOB))).toBe('Bob');
    expect(await globalName(ghost(BOB))).toBe('Bob');

    // Speaking again changes nothing: no further membership events.
    bed.fake.userSendsMessage(GENERAL, ALICE, { content: 'still Ally' });
    bed.fake.userSendsMessage(GENERAL, BOB, { content: 'still Bob' });
    await waitForText(dana, general, 'still Ally', ghost(ALICE));
    await waitForText(dana, general, 'still Bob', ghost(BOB));
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await joinNames(general, ALICE)).toEqual(['Alice', 'Ally']);
    expect(await joinNames(general, BOB)).toEqual(['Bob']);
  });

  it('follows a nickname change in every room of the guild, and its removal back to the global name', async () => {
    bed.fake.updateMember(GUILD, ALICE, { nick: 'Al' });
    await named(general, ALICE, 'Al');
    await named(random, ALICE, 'Al');
    expect(await globalName(ghost(ALICE))).toBe('Alice');

    bed.fake.updateMember(GUILD, ALICE, { nick: null });
    await named(general, ALICE, 'Alice');
    await named(random, ALICE, 'Alice');
    expect(await globalName(ghost(ALICE))).toBe('Alice');
    expect(await joinNames(general, ALICE)).toEqual(['Alice', 'Ally', 'Al', 'Alice']);

    bed.fake.updateMember(GUILD, ALICE, { nick: 'Ally' });
    await named(general, ALICE, 'Ally');
    await named(random, ALICE, 'Ally');
  });

  it('keeps the nicknames when the global name changes (Synapse rewrites every membership)', async () => {
    const before = { general: await joinNames(general, ALICE), random: await joinNames(random, ALICE) };
    bed.fake.updateMember(GUILD, ALICE, { global_name: 'Alicia' });
    await until(async () => (await globalName(ghost(ALICE))) === 'Alicia', 'the new global name');
    // Synapse's rewrite of each membership (in the background, after the profile PUT), then the
    // core's nickname right after it: exactly these two events, whatever the timing.
    for (const [room, names] of [
      [general, before.general],
      [random, before.random],
    ] as const) {
      await until(
        async () => (await joinNames(room, ALICE)).length >= names.length + 2,
        `two events in ${room}`,
      );
      expect(await joinNames(room, ALICE)).toEqual([...names, 'Alicia', 'Ally']);
      expect(await roomName(room, ghost(ALICE))).toBe('Ally');
      const state = await dana.getState(room, 'm.room.member', ghost(ALICE));
      expect(state?.avatar_url).toBe((await dana.getProfile(ghost(ALICE))).avatar_url);
    }
  });

  it('joins a new member with a nickname under it, and removes the ghost when they leave', async () => {
    bed.fake.addMember(GUILD, { id: CAROL, username: 'carol', global_name: 'Carol', nick: 'Caz' });
    await named(general, CAROL, 'Caz');
    await named(random, CAROL, 'Caz');
    expect(await globalName(ghost(CAROL))).toBe('Carol');
    bed.fake.removeMember(GUILD, CAROL);
    await until(async () => !(await dana.joinedMembers(general))[ghost(CAROL)], 'carol to leave general');
    await until(async () => !(await dana.joinedMembers(random))[ghost(CAROL)], 'carol to leave random');
  });
});
