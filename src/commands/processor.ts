import { atLeast } from '../config/permissions';
import type { PermissionLevel } from '../config/types';
import type { Notifier } from '../portals/notifier';
import type { Logger } from '../sdk/context';
import { toBridgeError } from '../sdk/errors';
import { accountCommands, chatCommands } from './account-commands';
import { adminCommands } from './admin-commands';
import type { CommandDeps } from './deps';
import { generalCommands } from './general-commands';
import { moduleCommands } from './module-commands';
import type { Command } from './types';

/**
 * Management-room commands: every message in a user's DM with the bot is a command (an
 * optional `!` prefix is accepted), checked against the sender's permission level each time.
 */
export class CommandProcessor {
  private readonly commands: Command[];

  constructor(
    private readonly deps: CommandDeps,
    private readonly notifier: Notifier,
    private readonly log: Logger,
    extra: readonly Command[] = [],
  ) {
    this.commands = [
      ...generalCommands(
        deps,
        () => this.all(),
        (c, level) => atLeast(level as PermissionLevel, c.minLevel),
      ),
      ...accountCommands(deps),
      ...chatCommands(deps),
      ...adminCommands(deps),
      ...extra,
    ];
  }

  /** Built-in commands, then those modules add (modules exist only after the processor). */
  private all(): Command[] {
    return [...this.commands, ...moduleCommands(this.deps, new Set(this.commands.map((c) => c.name)))];
  }

  async handle(input: {
    userId: string;
    displayName: string;
    roomId: string;
    eventId: string;
    text: string;
    level: PermissionLevel;
  }): Promise<void> {
    const reply = (text: string, html?: string) =>
      this.notifier.notice(input.roomId, text, html ? { html } : {});
    if (input.level === 'block') return;
    const text = input.text.trim();
    if (this.deps.dialog.isActive(input.userId) && !/^!?cancel$/i.test(text)) {
      await this.deps.dialog.answer(input, text, input.eventId);
      return;
    }
    const [rawName = '', ...args] = text.replace(/^!/, '').split(/\s+/);
    const name = rawName.toLowerCase();
    const nets = [...this.deps.networks.values()];
    const command = this.all().find((c) => c.name === name && c.available(nets));
    if (!command) {
      await reply(`Unknown command "${rawName.slice(0, 50)}". Send \`help\` for the list.`);
      return;
    }
    if (!atLeast(input.level, command.minLevel)) {
      await reply(`You do not have permission to use \`${command.name}\` (it needs "${command.minLevel}").`);
      return;
    }
    try {
      await command.run({ ...input, args, reply });
    } catch (err) {
      this.log.warn('command failed', { command: command.name, error: String(err) });
      await reply(`❌ ${command.name} failed: ${toBridgeError(err).message}`);
    }
  }
}
