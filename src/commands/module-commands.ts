import type { ModuleCommand } from '../sdk/module';
import type { Command } from './types';
import type { CommandDeps } from './deps';

/**
 * The commands modules add (`NetworkConnector.commands`), looked up at each use: modules are
 * created after the command processor. A name already taken (built-in or an earlier module) is
 * skipped, so a module can never shadow `login` or `bridge`.
 */
export function moduleCommands(deps: CommandDeps, taken: ReadonlySet<string>): Command[] {
  const out: Command[] = [];
  const names = new Set(taken);
  for (const net of deps.networks.values()) {
    for (const c of net.connector.commands?.() ?? []) {
      if (names.has(c.name)) continue;
      names.add(c.name);
      out.push(toCommand(c));
    }
  }
  return out;
}

function toCommand(c: ModuleCommand): Command {
  return {
    name: c.name,
    usage: c.usage,
    description: c.description,
    minLevel: c.minLevel ?? 'user',
    available: () => true,
    async run(ctx) {
      await ctx.reply(await c.run({ userId: ctx.userId, displayName: ctx.displayName }, ctx.args));
    },
  };
}
