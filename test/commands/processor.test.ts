import type { CommandDeps } from '../../src/commands/deps';
import type { LoginDialog } from '../../src/commands/login-dialog';
import { CommandProcessor } from '../../src/commands/processor';
import type { PermissionLevel } from '../../src/config/types';
import { nullLogger } from '../../src/logging/logger';
import type { NetworkRuntime } from '../../src/modules/runtime';
import type { Notifier } from '../../src/portals/notifier';

/** Permission levels are checked on every command (DESIGN §8). */
describe('management commands and permissions', () => {
  const replies: string[] = [];
  const started: string[] = [];
  const notifier = {
    notice: async (_room: string, text: string) => void replies.push(text),
  } as unknown as Notifier;
  const net = {
    id: 'example',
    displayName: 'Example',
    connector: { loginFlows: () => [{ id: 'qr', name: 'QR', description: 'd' }], startLogin: () => ({}) },
  } as unknown as NetworkRuntime;
  const dialog = {
    isActive: () => false,
    start: async (n: NetworkRuntime) => void started.push(n.id),
    cancel: async () => false,
  } as unknown as LoginDialog;
  const deps = {
    networks: new Map([['example', net]]),
    dialog,
    store: { logins: { list: async () => [] } },
    botUserId: '@bot:x',
  } as unknown as CommandDeps;
  const processor = new CommandProcessor(deps, notifier, nullLogger);
  const run = async (text: string, level: PermissionLevel) => {
    replies.length = 0;
    await processor.handle({ userId: '@u:x', displayName: 'U', roomId: '!m:x', eventId: '$e', text, level });
    return replies.join('\n');
  };

  it('ignores blocked users entirely', async () => {
    expect(await run('help', 'block')).toBe('');
    expect(await run('login example', 'block')).toBe('');
    expect(started).toEqual([]);
  });

  it('lets relay users see help and ping but not log in', async () => {
    const help = await run('help', 'relay');
    expect(help).toContain('ping');
    expect(help).not.toContain('login <network>');
    expect(await run('login example', 'relay')).toMatch(/permission to use `login`/);
    expect(started).toEqual([]);
  });

  it('lets users log in but keeps admin commands from them', async () => {
    await run('login example', 'user');
    expect(started).toEqual(['example']);
    expect(await run('bridge example chan !r:x', 'user')).toMatch(/permission to use `bridge`.*admin/);
    expect(await run('help', 'user')).not.toContain('unbridge');
    expect(await run('help', 'admin')).toContain('unbridge');
  });

  it('answers unknown commands and accepts a ! prefix', async () => {
    expect(await run('frobnicate', 'user')).toMatch(/Unknown command "frobnicate"/);
    expect(await run('!ping', 'user')).toMatch(/Pong/);
  });
});
