import type { PermissionLevel } from '../config/types';
import type { NetworkRuntime } from '../modules/runtime';

/** One command's invocation in a management room. */
export interface CommandContext {
  readonly userId: string;
  readonly displayName: string;
  readonly roomId: string;
  readonly eventId: string;
  readonly args: readonly string[];
  readonly level: PermissionLevel;
  reply(text: string, html?: string): Promise<void>;
}

export interface Command {
  readonly name: string;
  readonly usage: string;
  readonly description: string;
  readonly minLevel: PermissionLevel;
  /** Hidden from `help` (and refused) when no enabled network can serve it. */
  available(networks: readonly NetworkRuntime[]): boolean;
  run(ctx: CommandContext): Promise<void>;
}
