/**
 * Per-room ghost names (`GhostManager.setRoomName`) across global profile changes: a store on
 * PGlite, and a fake homeserver that rewrites every membership of a user with the global profile
 * when asked (as Synapse does in the background after a profile PUT). Its events reach the core
 * through the real `MembershipHandler`, as an appservice transaction would bring them.
 */
import { SecretBox } from '../../src/crypto/secret-box';
import { createLogger } from '../../src/logging/logger';
import type { MatrixClient } from '../../src/matrix/client';
import type { MatrixMedia } from '../../src/matrix/media';
import type { NetworkNamespace } from '../../src/matrix/namespaces';
import { GhostManager } from '../../src/portals/ghosts';
import { MembershipHandler, type MembershipDeps } from '../../src/portals/membership';
import { Store } from '../../src/store/store';
import { freshDatabase } from '../support/databases';

const log = createLogger({ level: 'error', format: 'json' } as never);
const BOT = '@bot:hs';
const G = '@d_alice:hs';
const [R1, R2] = ['!one:hs', '!two:hs'];
const ns = { network: 'discord', ghostUserId: (id: string) => `@d_${id}:hs` } as unknown as NetworkNamespace;
type Content = Record<string, unknown>;

/** Membership state by `${room} ${user}`, global profiles, and the member events sent. */
function fakeHomeserver() {
  const state = new Map<string, Content>();
  const profiles = new Map<string, { displayname?: string; avatar_url?: string }>();
  const sent: { room: string; content: Content }[] = [];
  const profile = (u: string) => profiles.get(u) ?? {};
  const client = {
    registerGhost: async () => undefined,
    invite: async () => undefined,
    join: async (room: string, user: string) => {
      state.set(`${room} ${user}`, { membership: 'join', ...profile(user) });
      return room;
    },
    setDisplayName: async (user: string, name: string) =>
      void profiles.set(user, { ...profile(user), displayname: name }),
    setAvatarUrl: async (user: string, mxc: string) =>
      void profiles.set(user, { ...profile(user), avatar_url: mxc }),
    getProfile: async (user: string) => profile(user),
    getState: async (room: string, _type: string, user: string) => state.get(`${room} ${user}`) ?? null,
    sendState: async (room: string, _type: string, user: string, content: Content) => {
      state.set(`${room} ${user}`, content);
      sent.push({ room, content });
      return '$e';
    },
  } as unknown as MatrixClient;
  /** What the profile change does later: every join of the user shows the global profile again. */
  const rewrite = (user: string) => {
    for (const [k, v] of state) {
      if (k.endsWith(` ${user}`) && v.membership === 'join')
        state.set(k, { membership: 'join', ...profile(user) });
    }
  };
  return { client, state, sent, rewrite };
}

describe('GhostManager per-room names', () => {
  let store: Store;
  let drop: () => Promise<void>;
  let hs: ReturnType<typeof fakeHomeserver>;
  let ghosts: GhostManager;
  let membership: MembershipHandler;

  beforeEach(async () => {
    const fresh = await freshDatabase('pglite');
    store = new Store(fresh.db, new SecretBox(SecretBox.generateKey()));
    drop = fresh.drop;
    hs = fakeHomeserver();
    const media = { upload: async () => 'mxc://hs/avatar2' } as unknown as MatrixMedia;
    ghosts = new GhostManager(store, hs.client, media, BOT, log);
    membership = new MembershipHandler({
      store,
      client: hs.client,
      ghosts,
      networks: new Map(),
      botUserId: BOT,
      isOurs: (u: string) => u === BOT || u.startsWith('@d_'),
      log,
    } as unknown as MembershipDeps);
    await ghosts.ensure(ns, 'alice', { displayName: 'Alice' });
  });
  afterEach(() => drop());

  /** The room's current member event for the ghost arrives (an appservice transaction). */
  const deliver = (room: string) =>
    membership.handle({
      room_id: room,
      sender: G,
      state_key: G,
      content: hs.state.get(`${room} ${G}`) ?? {},
    });
  const own = async (room: string) => (await store.members.get(room, G))?.room_displayname;

  it('remembers a per-room name and sets it again after a global change rewrote the room', async () => {
    await ghosts.ensureJoined(R2, G);
    await ghosts.setRoomName(R1, G, 'Ally');
    expect(hs.sent).toEqual([{ room: R1, content: { membership: 'join', displayname: 'Ally' } }]);
    expect(await own(R1)).toBe('Ally');
    expect(await own(R2)).toBeNull();

    await ghosts.syncProfile(ns, 'alice', G, {
      displayName: 'Alicia',
      avatarKey: 'a2',
      fetchAvatar: async () => ({ data: Buffer.from('png'), mimetype: 'image/png', filename: 'a.png' }),
    });
    hs.sent.length = 0;
    hs.rewrite(G);
    await deliver(R1);
    await deliver(R2); // no name of its own there: left alone
    expect(hs.sent).toEqual([
      { room: R1, content: { membership: 'join', displayname: 'Ally', avatar_url: 'mxc://hs/avatar2' } },
    ]);
    // The echo of that, or an older event delivered late: the room shows the name already.
    await deliver(R1);
    await membership.handle({
      room_id: R1,
      sender: G,
      state_key: G,
      content: { membership: 'join', displayname: 'Alice' },
    });
    expect(hs.sent).toHaveLength(1);
  });

  it("forgets the name when the module sets the global one again, or on the remote side's leave", async () => {
    await ghosts.setRoomName(R1, G, 'Ally');
    await ghosts.setRoomName(R2, G, 'Ally');
    await deliver(R1);
    await ghosts.setRoomName(R1, G, 'Alice');
    expect(await own(R1)).toBeNull();
    expect(hs.state.get(`${R1} ${G}`)).toMatchObject({ displayname: 'Alice' });

    const left = { room_id: R2, user_id: G, membership: 'leave', displayname: null, avatar_url: null };
    await store.members.set(left, true); // what the remote handler records for a remote leave
    expect(await own(R2)).toBeNull();

    await ghosts.syncProfile(ns, 'alice', G, { displayName: 'Alicia' });
    hs.sent.length = 0;
    hs.rewrite(G);
    await deliver(R1);
    expect(hs.sent).toEqual([]);
    expect(hs.state.get(`${R1} ${G}`)).toMatchObject({ displayname: 'Alicia' });
  });

  it('sends nothing for a name the room already shows, but still remembers it', async () => {
    await ghosts.ensureJoined(R1, G);
    await deliver(R1);
    await ghosts.setRoomName(R1, G, 'Alice'); // the global name: nothing to remember or send
    expect(hs.sent).toEqual([]);
    await ghosts.setRoomName(R1, G, 'Ally');
    await deliver(R1);
    await ghosts.setRoomName(R1, G, 'Ally');
    expect(hs.sent).toHaveLength(1);
    expect(await own(R1)).toBe('Ally');
  });

  it('joins a ghost the bridge made leave again, even when a late join event is in the member table', async () => {
    await ghosts.ensureJoined(R1, G);
    const joins: string[] = [];
    const join = hs.client.join.bind(hs.client);
    hs.client.join = async (room: string, user?: string) => (joins.push(room), join(room, user as string));
    // The remote user left: the bridge makes the ghost leave. The homeserver then reports the
    // ghost's earlier join, late, as an appservice transaction may.
    ghosts.markLeft(R1, G);
    await store.members.set({
      room_id: R1,
      user_id: G,
      membership: 'leave',
      displayname: null,
      avatar_url: null,
    });
    await membership.handle({ room_id: R1, sender: G, state_key: G, content: { membership: 'join' } });
    await ghosts.ensureJoined(R1, G);
    expect(joins).toEqual([R1]);
    // Once back, the table is trusted again.
    await ghosts.ensureJoined(R1, G);
    expect(joins).toEqual([R1]);
  });

  it("keeps the name through the homeserver's leave event: it may be late, or a kick on Matrix", async () => {
    await ghosts.setRoomName(R1, G, 'Ally');
    // The leave of an earlier round (left, came back, named again) arrives after the new name.
    await membership.handle({ room_id: R1, sender: G, state_key: G, content: { membership: 'leave' } });
    expect(await own(R1)).toBe('Ally');
  });

  it('keeps a name set while a rewrite is being repaired: the last one wins', async () => {
    await ghosts.setRoomName(R1, G, 'Ally');
    await ghosts.syncProfile(ns, 'alice', G, { displayName: 'Alicia' });
    hs.rewrite(G);
    await Promise.all([deliver(R1), ghosts.setRoomName(R1, G, 'Al')]);
    expect(hs.state.get(`${R1} ${G}`)).toMatchObject({ displayname: 'Al' });
    expect(await own(R1)).toBe('Al');
  });
});
