/** Server nicknames as per-room names: what is sent when, with a memory kv store and no Discord. */
import type { GuildMember, User } from 'discord.js';
import type { DiscordBot } from '../../../bridges/discord/client';
import { Nicknames } from '../../../bridges/discord/nicknames';
import type { RemoteEvent } from '../../../src/sdk';
import { memoryKv } from './helpers';

const G1 = '1300000000000000001';
const G2 = '1300000000000000002';
const [A, B, C] = ['1300000000000000010', '1300000000000000011', '1300000000000000012'];
const ALICE = '1300000000000000100';

/** A guild member as far as Nicknames reads it. */
function member(guildId: string, nickname: string | null, globalName = 'Alice', avatar = 'a1'): GuildMember {
  const user = { id: ALICE, displayName: globalName, avatar } as unknown as User;
  return { id: ALICE, nickname, user, guild: { id: guildId } } as unknown as GuildMember;
}

function setup(kv = memoryKv()) {
  const sent: { chat: string | undefined; name: string | undefined }[] = [];
  const emit = async (ev: RemoteEvent) => {
    if (ev.type === 'user_info') sent.push({ chat: ev.chat?.id, name: ev.info.displayName });
  };
  const bot = { ctx: { kv, emit }, selfId: '1' } as unknown as DiscordBot;
  return { names: new Nicknames(bot), sent, kv };
}

describe('Discord nicknames', () => {
  it('names a room only when it would show another name', async () => {
    const { names, sent } = setup();
    await names.seen(member(G1, null), { id: A });
    expect(sent).toEqual([]); // the ghost joins with its global name
    await names.seen(member(G1, 'Ally'), { id: B });
    await names.seen(member(G1, 'Ally'), { id: B });
    expect(sent).toEqual([{ chat: B, name: 'Ally' }]);
  });

  it("follows nickname changes and removals in the guild's rooms seen so far, also after a restart", async () => {
    const first = setup();
    await first.names.seen(member(G1, 'Ally'), { id: A });
    await first.names.seen(member(G1, 'Ally'), { id: B });
    await first.names.seen(member(G2, null), { id: C });
    first.sent.length = 0;
    await first.names.changed(member(G1, 'Al'));
    expect(first.sent).toEqual([
      { chat: A, name: 'Al' },
      { chat: B, name: 'Al' },
    ]);

    const restarted = setup(first.kv);
    await restarted.names.seen(member(G1, 'Al'), { id: A });
    expect(restarted.sent).toEqual([]);
    await restarted.names.changed(member(G1, null));
    expect(restarted.sent).toEqual([
      { chat: A, name: 'Alice' },
      { chat: B, name: 'Alice' },
    ]);
  });

  it('leaves a change of the global profile to the core: nothing is sent again', async () => {
    const { names, sent } = setup();
    await names.seen(member(G1, 'Ally'), { id: A });
    await names.seen(member(G1, 'Ally'), { id: B });
    sent.length = 0;
    await names.seen(member(G1, 'Ally', 'Alicia', 'a2'), { id: A });
    await names.changed(member(G1, 'Ally', 'Alicia', 'a2'));
    expect(sent).toEqual([]);
    // The nickname removed: the room is given the global name as it is now.
    await names.changed(member(G1, null, 'Alicia', 'a2'));
    expect(sent).toEqual([
      { chat: A, name: 'Alicia' },
      { chat: B, name: 'Alicia' },
    ]);
  });

  it('forgets the rooms of a guild the member left', async () => {
    const { names, sent, kv } = setup();
    await names.seen(member(G1, 'Ally'), { id: A });
    await names.seen(member(G2, 'Ally'), { id: C });
    await names.left(ALICE, G1);
    expect(await kv.list(`nick:${ALICE}:${G1}:`)).toEqual([]);
    expect(await kv.list(`nick:${ALICE}:${G2}:`)).toHaveLength(1);
    sent.length = 0;
    await names.seen(member(G1, 'Ally'), { id: A }); // joined again: named again
    expect(sent).toEqual([{ chat: A, name: 'Ally' }]);
  });
});
