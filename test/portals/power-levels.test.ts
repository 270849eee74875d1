import { DEFAULT_ROLE_LEVELS, roleCap, withRoles, type PowerLevels } from '../../src/portals/power-levels';
import type { RemoteRole } from '../../src/sdk/remote-events';

const BOT = '@bot:hs';
const ghost = (nick: string) => `@irc_${nick}:hs`;
const isOurs = (u: string) => u === BOT || u.startsWith('@irc_') || u.startsWith('@discord_');
const isManaged = (u: string) => u.startsWith('@irc_');

/** What Synapse gives a v12 room created by the bot: the creator is not listed (infinite power). */
const synapseDefault: PowerLevels = {
  users: {},
  users_default: 0,
  events: { 'm.room.name': 50, 'm.room.power_levels': 100 },
  events_default: 0,
  state_default: 50,
  ban: 50,
  kick: 50,
  redact: 50,
  invite: 0,
};

const apply = (
  pl: PowerLevels,
  roles: Record<string, RemoteRole>,
  o: { botLevel?: number; complete?: boolean } = {},
) =>
  withRoles(pl, new Map(Object.entries(roles)), {
    levels: DEFAULT_ROLE_LEVELS,
    botLevel: o.botLevel ?? Infinity,
    isOurs,
    isManaged,
    ...(o.complete ? { complete: true } : {}),
  });
const users = (pl: PowerLevels | null) => (pl?.users ?? null) as Record<string, number> | null;

describe('remote roles as power levels: the cap', () => {
  it('keeps ghosts below @room (notifications.room, default 50) in a default room', () => {
    expect(roleCap(synapseDefault, { botLevel: Infinity, isOurs })).toBe(49);
    const next = apply(synapseDefault, {
      [ghost('op')]: 'moderator',
      [ghost('v')]: 'voice',
      [ghost('q')]: 'owner',
    });
    expect(users(next)).toEqual({ [ghost('op')]: 49, [ghost('v')]: 10, [ghost('q')]: 49 });
  });

  it('keeps ghosts below the bot and below the level that changes power levels', () => {
    const pl = { ...synapseDefault, notifications: { room: 100 }, users: { [BOT]: 100 } };
    expect(roleCap(pl, { botLevel: 100, isOurs })).toBe(99);
    expect(users(apply(pl, { [ghost('q')]: 'owner', [ghost('a')]: 'admin' }, { botLevel: 100 }))).toEqual({
      [BOT]: 100,
      [ghost('q')]: 99,
      [ghost('a')]: 75,
    });
    const lowChange = { ...pl, events: { 'm.room.power_levels': 60 } };
    expect(roleCap(lowChange, { botLevel: 100, isOurs })).toBe(59);
    expect(roleCap({ ...pl, users: { [BOT]: 30 } }, { botLevel: 30, isOurs })).toBe(29);
  });

  it('never lets a ghost out-rank a Matrix user who was given power (equal is allowed)', () => {
    const pl = { ...synapseDefault, users: { '@mod:hs': 20, '@plain:hs': 0, [ghost('other')]: 5 } };
    expect(roleCap(pl, { botLevel: Infinity, isOurs })).toBe(20);
    const next = users(apply(pl, { [ghost('op')]: 'moderator', [ghost('v')]: 'voice' }));
    expect(next).toMatchObject({ '@mod:hs': 20, [ghost('op')]: 20, [ghost('v')]: 10 });
    // Ghosts of other networks are not Matrix people: they do not lower the cap.
    expect(
      roleCap({ ...synapseDefault, users: { '@discord_x:hs': 1 } }, { botLevel: Infinity, isOurs }),
    ).toBe(49);
  });

  it('lowers a ghost back when its role goes, and changes nothing when nothing changes', () => {
    const pl = { ...synapseDefault, users: { [ghost('op')]: 49, '@alice:hs': 100 } };
    expect(apply(pl, { [ghost('op')]: 'moderator' })).toBeNull();
    expect(apply(synapseDefault, { [ghost('nobody')]: 'member' })).toBeNull();
    expect(users(apply(pl, { [ghost('op')]: 'voice' }))).toEqual({ [ghost('op')]: 10, '@alice:hs': 100 });
    expect(users(apply(pl, { [ghost('op')]: 'member' }))).toEqual({ '@alice:hs': 100 });
  });

  it('with a complete list, resets managed ghosts not listed and leaves everyone else', () => {
    const pl = {
      ...synapseDefault,
      users: { [ghost('gone')]: 49, [ghost('stay')]: 10, '@alice:hs': 50, '@discord_x:hs': 10 },
    };
    const next = users(apply(pl, { [ghost('stay')]: 'voice' }, { complete: true }));
    expect(next).toEqual({ [ghost('stay')]: 10, '@alice:hs': 50, '@discord_x:hs': 10 });
    expect(
      apply(
        { ...synapseDefault, users: { [ghost('stay')]: 10 } },
        { [ghost('stay')]: 'voice' },
        { complete: true },
      ),
    ).toBeNull();
  });

  it('brings other ghosts under a cap that fell since they got their level', () => {
    const pl = { ...synapseDefault, users: { '@mod:hs': 30, [ghost('old')]: 49 } };
    expect(users(apply(pl, { [ghost('new')]: 'voice' }))).toEqual({
      '@mod:hs': 30,
      [ghost('old')]: 30,
      [ghost('new')]: 10,
    });
  });

  it('leaves a Matrix-side mute and entries at or above the bot alone, and never touches Matrix users', () => {
    const pl = { ...synapseDefault, users: { [BOT]: 50, [ghost('muted')]: -1, [ghost('high')]: 50 } };
    const next = apply(
      pl,
      { [ghost('muted')]: 'voice', [ghost('high')]: 'member', '@alice:hs': 'owner' },
      { botLevel: 50 },
    );
    expect(next).toBeNull();
  });

  it('keeps every other key of the content', () => {
    const pl = { ...synapseDefault, notifications: { room: 50 }, 'org.example.custom': true };
    const next = apply(pl, { [ghost('v')]: 'voice' });
    expect(next).toMatchObject({
      notifications: { room: 50 },
      'org.example.custom': true,
      events: synapseDefault.events,
    });
  });

  it('reads levels written as strings (rooms before v10) and leaves junk alone', () => {
    expect(roleCap({ users: { '@alice:hs': '20' } }, { botLevel: Infinity, isOurs })).toBe(20);
    const pl = { users: { '@alice:hs': 'lots', [ghost('x')]: 'high' }, notifications: 'x', events: [] };
    expect(roleCap(pl, { botLevel: Infinity, isOurs })).toBe(49);
    expect(users(apply(pl, { [ghost('v')]: 'voice' }))).toMatchObject({
      [ghost('v')]: 10,
      [ghost('x')]: 'high',
    });
  });
});
