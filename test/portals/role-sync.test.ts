import { createLogger } from '../../src/logging/logger';
import type { MatrixClient } from '../../src/matrix/client';
import { MatrixApiError } from '../../src/matrix/errors';
import type { NetworkRuntime } from '../../src/modules/runtime';
import type { ReadyPortal } from '../../src/portals/portals';
import { roleLevelsFrom } from '../../src/portals/power-levels';
import { RoleSync } from '../../src/portals/role-sync';
import type { RemoteRole } from '../../src/sdk/remote-events';

const log = createLogger({ level: 'error', format: 'json' } as never);
const BOT = '@bot:hs';
const ghost = (nick: string) => `@irc_${nick}:hs`;
const net = {
  id: 'irc',
  ns: { remoteUserIdOf: (u: string) => (u.startsWith('@irc_') ? u.slice(5, u.indexOf(':')) : null) },
} as unknown as NetworkRuntime;
const portal = (kind: 'channel' | 'dm' = 'channel') => ({ room_id: '!r:hs', kind }) as ReadyPortal;
const roles = (r: Record<string, RemoteRole>) => new Map(Object.entries(r));

/** A homeserver with one room: its power levels and create event, and every request made. */
function fakeClient(o: {
  pl: Record<string, unknown> | null;
  create: Record<string, unknown>;
  failWith?: Error;
}) {
  const calls: string[] = [];
  let pl = o.pl;
  const client = {
    getState: async (_room: string, type: string) => {
      calls.push(`get ${type}`);
      return pl;
    },
    sendState: async (_room: string, type: string, _key: string, content: Record<string, unknown>) => {
      calls.push(`put ${type}`);
      if (o.failWith) throw o.failWith;
      pl = content;
      return '$e';
    },
    http: {
      request: async (_m: string, path: string, r: { query?: Record<string, string> }) => {
        calls.push(`get create ${r.query?.format ?? ''}`);
        expect(path).toContain('m.room.create');
        return o.create;
      },
    },
  } as unknown as MatrixClient;
  return { client, calls, pl: () => pl };
}

const v12ByBot = { sender: BOT, content: { room_version: '12' } };
const basePl = { users: {}, events: { 'm.room.power_levels': 100 }, state_default: 50 };

describe('RoleSync', () => {
  it('gives a v12 creator bot infinite power, writes once per batch and only on a change', async () => {
    const hs = fakeClient({ pl: basePl, create: v12ByBot });
    const sync = new RoleSync({ client: hs.client, botUserId: BOT, log });
    await sync.apply(net, portal(), roles({ [ghost('op')]: 'moderator', [ghost('v')]: 'voice' }));
    expect(hs.pl()?.users).toEqual({ [ghost('op')]: 49, [ghost('v')]: 10 });
    expect(hs.calls).toEqual(['get m.room.power_levels', 'get create event', 'put m.room.power_levels']);
    await sync.apply(net, portal(), roles({ [ghost('op')]: 'moderator' }));
    expect(hs.calls.filter((c) => c.startsWith('put'))).toHaveLength(1); // unchanged: not written
    expect(hs.calls.filter((c) => c.startsWith('get create'))).toHaveLength(1); // cached
  });

  it('reads no more than the power levels for a leaving ghost without an entry', async () => {
    const hs = fakeClient({ pl: basePl, create: v12ByBot });
    await new RoleSync({ client: hs.client, botUserId: BOT, log }).apply(
      net,
      portal(),
      roles({ [ghost('x')]: 'member' }),
    );
    expect(hs.calls).toEqual(['get m.room.power_levels']);
  });

  it('skips a leaving ghost that had no entry without asking the homeserver', async () => {
    const hs = fakeClient({ pl: basePl, create: v12ByBot });
    const sync = new RoleSync({ client: hs.client, botUserId: BOT, log });
    await sync.apply(net, portal(), roles({ [ghost('v')]: 'voice' }));
    const before = hs.calls.length;
    await sync.apply(net, portal(), roles({ [ghost('plain')]: 'member' }));
    expect(hs.calls.length).toBe(before);
    await sync.apply(net, portal(), roles({ [ghost('v')]: 'member' }));
    expect(hs.pl()?.users).toEqual({});
  });

  it('leaves DMs, rooms the bot may not manage, and Matrix users alone', async () => {
    const dm = fakeClient({ pl: basePl, create: v12ByBot });
    await new RoleSync({ client: dm.client, botUserId: BOT, log }).apply(
      net,
      portal('dm'),
      roles({ [ghost('a')]: 'voice' }),
    );
    expect(dm.calls).toEqual([]);

    // A linked room whose admins gave the bot 50: it may set the topic but not power levels.
    const linked = fakeClient({
      pl: { ...basePl, users: { [BOT]: 50, '@admin:hs': 100 } },
      create: { sender: '@admin:hs', content: { room_version: '12' } },
    });
    await new RoleSync({ client: linked.client, botUserId: BOT, log }).apply(
      net,
      portal(),
      roles({ [ghost('a')]: 'voice' }),
    );
    expect(linked.calls).toEqual(['get m.room.power_levels']);

    // v12 created by someone else, bot not listed: level users_default, not infinite.
    const other = fakeClient({
      pl: basePl,
      create: { sender: '@admin:hs', content: { room_version: '12' } },
    });
    await new RoleSync({ client: other.client, botUserId: BOT, log }).apply(
      net,
      portal(),
      roles({ [ghost('a')]: 'voice' }),
    );
    expect(other.calls).not.toContain('put m.room.power_levels');

    // A classic room: the creator's power is its `users` entry, the create event grants nothing.
    const classic = fakeClient({
      pl: basePl,
      create: { sender: BOT, content: { room_version: '10', creator: BOT } },
    });
    await new RoleSync({ client: classic.client, botUserId: BOT, log }).apply(
      net,
      portal(),
      roles({ [ghost('a')]: 'voice' }),
    );
    expect(classic.calls).not.toContain('put m.room.power_levels');

    const matrixUser = fakeClient({ pl: basePl, create: v12ByBot });
    await new RoleSync({ client: matrixUser.client, botUserId: BOT, log }).apply(
      net,
      portal(),
      roles({ '@alice:hs': 'owner' }),
    );
    expect(matrixUser.calls).not.toContain('put m.room.power_levels');
  });

  it('treats a refused write as done (logged) but lets an outage through to be retried', async () => {
    const refused = fakeClient({
      pl: basePl,
      create: v12ByBot,
      failWith: new MatrixApiError(403, 'M_FORBIDDEN', 'no'),
    });
    await new RoleSync({ client: refused.client, botUserId: BOT, log }).apply(
      net,
      portal(),
      roles({ [ghost('a')]: 'voice' }),
    );
    const down = fakeClient({
      pl: basePl,
      create: v12ByBot,
      failWith: new MatrixApiError(502, 'M_UNKNOWN', 'down'),
    });
    await expect(
      new RoleSync({ client: down.client, botUserId: BOT, log }).apply(
        net,
        portal(),
        roles({ [ghost('a')]: 'voice' }),
      ),
    ).rejects.toThrow('502');
  });

  it('uses the configured levels, still under the cap', async () => {
    const hs = fakeClient({ pl: { ...basePl, notifications: { room: 100 } }, create: v12ByBot });
    const levels = { owner: 95, admin: 90, moderator: 60, voice: 1 };
    await new RoleSync({ client: hs.client, botUserId: BOT, log, levels }).apply(
      net,
      portal(),
      roles({ [ghost('q')]: 'owner', [ghost('o')]: 'moderator', [ghost('v')]: 'voice' }),
    );
    expect(hs.pl()?.users).toEqual({ [ghost('q')]: 95, [ghost('o')]: 60, [ghost('v')]: 1 });
  });

  it("prefers the network's own levels (bridges.<id>.role_power_levels) over the handler's", async () => {
    const hs = fakeClient({ pl: { ...basePl, notifications: { room: 100 } }, create: v12ByBot });
    const withLevels = { ...net, roleLevels: roleLevelsFrom({ voice: 5 }) } as NetworkRuntime;
    await new RoleSync({ client: hs.client, botUserId: BOT, log }).apply(
      withLevels,
      portal(),
      roles({ [ghost('o')]: 'moderator', [ghost('v')]: 'voice' }),
    );
    expect(hs.pl()?.users).toEqual({ [ghost('o')]: 50, [ghost('v')]: 5 });
  });
});
