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
        const portal = await deps.actions.link(
          net,
          { userId: ctx.userId, displayName: ctx.displayName },
          chatId,
          roomRef,
        );
        await ctx.reply(
          `Bridged https://matrix.to/#/${portal.room_id} to ${net.displayName} ${portal.name ?? chatId}.`,
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
        const portal = await deps.actions.unlink(ref);
        await ctx.reply(
          `Unbridged https://matrix.to/#/${portal.room_id} (it was ${portal.network} ${portal.remote_id}).`,
        );
      },
    },
  ];
}
