import { nullLogger as log } from '../../src/logging/logger';
import type { NetworkRuntime } from '../../src/modules/runtime';
import { historyFiller, MAX_HISTORY } from '../../src/portals/history';
import type { RemoteEvent, RemoteMessageEvent } from '../../src/sdk/remote-events';

const chat = { id: 'chan' };
const msg = (id: string, timestamp: number, other: Partial<RemoteMessageEvent> = {}): RemoteMessageEvent => ({
  type: 'message',
  chat,
  sender: { id: 'alice' },
  id,
  parts: [{ kind: 'text', text: id }],
  timestamp,
  ...other,
});

function setup(fetchHistory?: () => Promise<RemoteMessageEvent[]>) {
  const handled: RemoteEvent[] = [];
  const net = {
    id: 'net',
    connector: { start: async () => undefined, stop: async () => undefined, fetchHistory },
  };
  const networks = new Map([['net', net as unknown as NetworkRuntime]]);
  const fill = historyFiller(networks, { handle: async (_n, ev) => void handled.push(ev) }, log);
  return { handled, fill };
}

describe('historyFiller (SDK 1.3 fetchHistory)', () => {
  it('sends the chat’s history oldest first, as backfill, and nothing of other chats', async () => {
    const { handled, fill } = setup(async () => [
      msg('b', 2),
      msg('a', 1),
      msg('elsewhere', 3, { chat: { id: 'other' } }),
      msg('dm', 4, { chat: { id: 'chan', receiver: 'login' } }),
    ]);
    await fill('net', chat);
    expect(handled.map((e) => [(e as RemoteMessageEvent).id, (e as RemoteMessageEvent).backfill])).toEqual([
      ['a', true],
      ['b', true],
    ]);
  });

  it('keeps only the newest MAX_HISTORY messages', async () => {
    const many = Array.from({ length: MAX_HISTORY + 5 }, (_, i) => msg(String(i), i));
    const { handled, fill } = setup(async () => many);
    await fill('net', chat);
    expect(handled).toHaveLength(MAX_HISTORY);
    expect((handled[0] as RemoteMessageEvent).id).toBe('5');
  });

  it('stops when out of time', async () => {
    const handled: RemoteEvent[] = [];
    const net = { id: 'net', connector: { fetchHistory: async () => [msg('a', 1), msg('b', 2)] } };
    const slow = async (_n: unknown, ev: RemoteEvent) => {
      handled.push(ev);
      await new Promise((r) => setTimeout(r, 30));
    };
    const networks = new Map([['net', net as unknown as NetworkRuntime]]);
    await historyFiller(networks, { handle: slow }, log, 10)('net', chat);
    expect(handled).toHaveLength(1);
  });

  it('gives up on a module that does not answer in time', async () => {
    const net = { id: 'net', connector: { fetchHistory: () => new Promise(() => undefined) } };
    const networks = new Map([['net', net as unknown as NetworkRuntime]]);
    const started = Date.now();
    await historyFiller(networks, { handle: async () => undefined }, log, 20)('net', chat);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('costs only the history when the module fails, and does nothing without fetchHistory', async () => {
    const failing = setup(async () => {
      throw new Error('network down');
    });
    await expect(failing.fill('net', chat)).resolves.toBeUndefined();
    const none = setup();
    await none.fill('net', chat);
    await none.fill('unknown', chat);
    expect([...failing.handled, ...none.handled]).toEqual([]);
  });
});
