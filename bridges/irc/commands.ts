/**
 * `nick`: the management-room command (a module command, see `ModuleCommand` in the SDK) that
 * shows or changes a user's puppet nick. The chosen nick is kept for later connections.
 */
import { BridgeError, type ModuleCommand } from '../../src/sdk';
import type { IrcNetwork } from './client';

export function nickCommand(networks: ReadonlyMap<string, IrcNetwork>): ModuleCommand {
  const ids = [...networks.keys()];
  const one = ids.length === 1;
  return {
    name: 'nick',
    usage: one ? 'nick [new nick]' : 'nick <network> [new nick]',
    description: `Show or change your IRC nick (${ids.join(', ')}).`,
    async run(user, args) {
      const [first, second] = args;
      const named = first !== undefined && networks.has(first.toLowerCase());
      const net = named
        ? networks.get((first as string).toLowerCase())
        : one
          ? networks.get(ids[0] as string)
          : undefined;
      const wanted = named ? second : first;
      if (!net)
        throw new BridgeError(
          'invalid_input',
          `say which network: nick <network> [new nick] (${ids.join(', ')})`,
        );
      if (wanted === undefined) {
        const now = net.puppetOf(user.userId)?.nick;
        return now
          ? `You are ${now} on ${net.name}.`
          : `You are not connected to ${net.name}; you will be ${await net.nickOf(user)} when you next speak there.`;
      }
      return net.setNick(user, wanted);
    },
  };
}
