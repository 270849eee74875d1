import type { Command } from './types';
import { findNetwork, networkList, type CommandDeps } from './deps';

const canLogin = (n: { connector: { startLogin?: unknown; loginFlows?: unknown } }) =>
  !!n.connector.startLogin && !!n.connector.loginFlows;

/** `login`, `logout`, `logins`, `cancel`: the login life cycle. */
export function accountCommands(deps: CommandDeps): Command[] {
  return [
    {
      name: 'login',
      usage: 'login <network> [flow]',
      description: 'Log in to a network with your own account.',
      minLevel: 'user',
      available: (nets) => nets.some(canLogin),
      async run(ctx) {
        const net = findNetwork(deps, ctx.args[0]);
        if (!net || !canLogin(net)) {
          return ctx.reply(`Usage: login <network>. Networks with logins: ${networkList(deps, canLogin)}`);
        }
        const flows = net.connector.loginFlows?.() ?? [];
        const flow = ctx.args[1] ? flows.find((f) => f.id === ctx.args[1]) : flows[0];
        if (!flow) {
          return ctx.reply(
            `Unknown login flow. ${net.displayName} offers: ${flows.map((f) => `${f.id} (${f.description})`).join(', ')}`,
          );
        }
        await deps.dialog.start(
          net,
          { userId: ctx.userId, displayName: ctx.displayName },
          ctx.roomId,
          flow.id,
        );
      },
    },
    {
      name: 'logout',
      usage: 'logout <network> [remote id]',
      description: 'Log out of a network and delete the stored session.',
      minLevel: 'user',
      available: (nets) => nets.some(canLogin),
      async run(ctx) {
        const net = findNetwork(deps, ctx.args[0]);
        if (!net) return ctx.reply('Usage: logout <network> [remote id]');
        const mine = await deps.store.logins.list({ network: net.id, userId: ctx.userId });
        const target = ctx.args[1]
          ? mine.find((l) => l.remoteId === ctx.args[1] || l.id === ctx.args[1])
          : mine[0];
        if (!target)
          return ctx.reply(`You have no ${net.displayName} login${ctx.args[1] ? ` ${ctx.args[1]}` : ''}.`);
        await deps.logins.logout(target.id);
        await ctx.reply(`Logged out of ${net.displayName} (${target.remoteName || target.remoteId}).`);
      },
    },
    {
      name: 'logins',
      usage: 'logins',
      description: 'List your logins and their state.',
      minLevel: 'user',
      available: (nets) => nets.some(canLogin),
      async run(ctx) {
        const mine = await deps.store.logins.list({ userId: ctx.userId });
        if (mine.length === 0) return ctx.reply('You have no logins. Use `login <network>`.');
        const lines = mine.map((l) => {
          const name = deps.networks.get(l.network)?.displayName ?? l.network;
          return `• ${name}: ${l.remoteName || l.remoteId} — ${l.state.replace('_', ' ')}${l.stateMessage ? ` (${l.stateMessage})` : ''}`;
        });
        await ctx.reply(lines.join('\n'));
      },
    },
    {
      name: 'cancel',
      usage: 'cancel',
      description: 'Stop a login in progress.',
      minLevel: 'relay',
      available: () => true,
      async run(ctx) {
        await ctx.reply((await deps.dialog.cancel(ctx.userId)) ? 'Login cancelled.' : 'Nothing to cancel.');
      },
    },
  ];
}

/** `start-chat`: opens a portal for a remote user or chat. */
export function chatCommands(deps: CommandDeps): Command[] {
  return [
    {
      name: 'start-chat',
      usage: 'start-chat <network> <identifier>',
      description: 'Start a chat with a remote user (phone number, nick, user id...).',
      minLevel: 'user',
      available: () => true,
      async run(ctx) {
        const net = findNetwork(deps, ctx.args[0]);
        const identifier = ctx.args.slice(1).join(' ');
        if (!net || !identifier)
          return ctx.reply(
            `Usage: start-chat <network> <identifier>. Networks: ${networkList(deps, () => true)}`,
          );
        const actor = { userId: ctx.userId, displayName: ctx.displayName };
        const { portal } = await deps.actions.startChat(net, actor, identifier);
        await ctx.reply(`Chat ready: https://matrix.to/#/${portal.room_id}`);
      },
    },
  ];
}
