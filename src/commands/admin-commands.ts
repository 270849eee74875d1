import { toPortalInfo } from '../store/portal-repo';
import type { Command } from './types';
import { findNetwork, networkList, type CommandDeps } from './deps';

/** `bridge` / `unbridge`: an admin links an existing Matrix room to a shared remote chat. */
export function adminCommands(deps: CommandDeps): Command[] {
  return [
    {
      name: 'bridge',
      usage: 'bridge <network> <remote chat id> <room id or alias>',
      description: 'Link an existing room (invite the bot first) to a remote chat.',
      minLevel: 'admin',
      available: () => true,
      async run(ctx) {
        const [netId, chatId, roomRef] = ctx.args;
        const net = findNetwork(deps, netId);
        if (!net || !chatId || !roomRef) {
          return ctx.reply(`Usage: ${this.usage}. Networks: ${networkList(deps, () => true)}`);
        }
        const roomId = await deps.client.join(roomRef, deps.botUserId);
        if (await deps.store.portals.byRoom(roomId))
          return ctx.reply('That room is already bridged; `unbridge` it first.');
        const chat = { id: chatId };
        const existing = await deps.portals.find(net.id, chat);
        if (existing)
          return ctx.reply(`${chatId} is already bridged to https://matrix.to/#/${existing.room_id}`);
        const session = await deps.logins.sessionFor(
          net,
          { userId: ctx.userId, displayName: ctx.displayName },
          null,
        );
        // A module that can look the chat up refuses ids that do not exist; others take it on trust.
        const info = (await session.getChatInfo?.(chat)) ?? {};
        await deps.store.portals.insert(net.id, chat, {
          room_id: roomId,
          kind: info.kind ?? 'channel',
          name: info.name ?? null,
          metadata: {},
        });
        const portal = await deps.portals.find(net.id, chat);
        if (portal)
          await session.onMatrixMembership?.(toPortalInfo(portal), {
            userId: ctx.userId,
            displayName: ctx.displayName,
            membership: 'join',
          });
        await ctx.reply(
          `Bridged https://matrix.to/#/${roomId} to ${net.displayName} ${info.name ?? chatId}.`,
        );
      },
    },
    {
      name: 'unbridge',
      usage: 'unbridge <room id or alias>',
      description: 'Stop bridging a room; the room and its history stay.',
      minLevel: 'admin',
      available: () => true,
      async run(ctx) {
        const ref = ctx.args[0];
        if (!ref) return ctx.reply(`Usage: ${this.usage}`);
        const roomId = ref.startsWith('#') ? await deps.client.resolveAlias(ref) : ref;
        const portal = roomId ? await deps.store.portals.byRoom(roomId) : null;
        if (!roomId || !portal) return ctx.reply('That room is not bridged.');
        await deps.store.portals.delete(roomId);
        await deps.client.leave(roomId, deps.botUserId).catch(() => undefined);
        await ctx.reply(
          `Unbridged https://matrix.to/#/${roomId} (it was ${portal.network} ${portal.remote_id}).`,
        );
      },
    },
  ];
}
