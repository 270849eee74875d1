import type { Command } from './types';
import type { CommandDeps } from './deps';

/** `help` and `ping`. `help` lists only what this user may run and some network can serve. */
export function generalCommands(
  deps: CommandDeps,
  all: () => readonly Command[],
  allowed: (c: Command, level: string) => boolean,
): Command[] {
  return [
    {
      name: 'help',
      usage: 'help',
      description: 'Show this list.',
      minLevel: 'relay',
      available: () => true,
      async run(ctx) {
        const nets = [...deps.networks.values()];
        const visible = all().filter((c) => c.available(nets) && allowed(c, ctx.level));
        const lines = visible.map((c) => `• ${c.usage} — ${c.description}`);
        await ctx.reply(
          `Switchboard bridges ${nets.map((n) => n.displayName).join(', ') || 'no networks'}.\nCommands:\n${lines.join('\n')}`,
        );
      },
    },
    {
      name: 'ping',
      usage: 'ping',
      description: 'Check that the bridge is alive, and the state of your logins.',
      minLevel: 'relay',
      available: () => true,
      async run(ctx) {
        const mine = await deps.store.logins.list({ userId: ctx.userId });
        const states = mine.map((l) => `${l.network}: ${l.state}`).join(', ');
        await ctx.reply(`Pong. ${mine.length ? `Your logins — ${states}` : 'You have no logins.'}`);
      },
    },
  ];
}
