/** The pure parts of the connection pool: the connect gate, the listener election, outgoing text. */
import { ChannelRegistry, RecentKeys } from '../../../bridges/irc/channels';
import { ConnectGate } from '../../../bridges/irc/connect-gate';
import { renderOutgoing } from '../../../bridges/irc/outgoing';
import type { MatrixMessage } from '../../../src/sdk';

describe('ConnectGate', () => {
  it('lets connections through at the configured rate, the bot first', async () => {
    const gate = new ConnectGate(20); // one every 50 ms
    const order: string[] = [];
    const times: number[] = [];
    const start = Date.now();
    const waits = ['p1', 'p2', 'p3', 'p4'].map((id) =>
      gate.wait().then(() => {
        order.push(id);
        times.push(Date.now() - start);
      }),
    );
    const bot = gate.wait(true).then(() => order.push('bot'));
    await Promise.all([...waits, bot]);
    expect(order).toEqual(['p1', 'bot', 'p2', 'p3', 'p4']);
    expect(times.at(-1)).toBeGreaterThanOrEqual(4 * 50 - 5);
  });

  it('rejects waiters when closed', async () => {
    const gate = new ConnectGate(1);
    await gate.wait();
    const pending = gate.wait();
    gate.close();
    await expect(pending).rejects.toThrow(/stopping/);
    await expect(gate.wait()).rejects.toThrow(/stopping/);
  });
});

describe('ChannelRegistry', () => {
  const bot = { isBot: true, name: 'bot' };
  const p1 = { isBot: false, name: 'p1' };
  const p2 = { isBot: false, name: 'p2' };

  it('elects the bot, else the puppet that joined first, and re-elects as connections come and go', () => {
    const r = new ChannelRegistry<typeof bot>();
    expect(r.joined(p1, '#Chan')).toBe(true);
    expect(r.joined(p2, '#chan')).toBe(false);
    expect(r.joined(bot, '#CHAN')).toBe(true);
    expect(r.isListener(bot, '#chan')).toBe(true);
    r.dropped(bot);
    expect(r.get('#chan')?.listener).toBe(p1);
    r.left(p1, '#chan');
    expect(r.get('#chan')?.listener).toBe(p2);
    expect(r.listening(p2).map((s) => s.name)).toEqual(['#CHAN']);
    r.left(p2, '#chan');
    expect(r.get('#chan')?.listener).toBeUndefined();
  });

  it('finds a member nick in any channel', () => {
    const r = new ChannelRegistry<typeof bot>();
    r.joined(bot, '#a');
    r.get('#a')?.members.set('alice', { nick: 'Alice' });
    expect(r.memberNick('alice')).toBe('Alice');
    expect(r.memberNick('bob')).toBeUndefined();
  });

  it('remembers recent keys within its capacity', () => {
    const keys = new RecentKeys(2);
    expect(keys.fresh('a')).toBe(true);
    expect(keys.fresh('a')).toBe(false);
    keys.fresh('b');
    keys.fresh('c');
    expect(keys.fresh('a')).toBe(true);
  });
});

describe('renderOutgoing', () => {
  const base: MatrixMessage = {
    eventId: '$ev',
    roomId: '!r:hs',
    sender: { userId: '@dana:hs', displayName: 'Dana' },
    msgtype: 'text',
    body: 'hello',
    mentions: [],
    mentionsRoom: false,
    permalink: 'https://matrix.to/#/!r%3Ahs/%24ev',
    timestamp: 0,
  };
  const opts = { resolvePill: () => undefined, budget: 60, maxLines: 3 };

  it('maps msgtypes to PRIVMSG, ACTION and NOTICE, with reply and edit prefixes', () => {
    expect(renderOutgoing(base, opts)).toEqual({ kind: 'say', text: 'hello', linked: false });
    expect(renderOutgoing({ ...base, msgtype: 'emote' }, opts).kind).toBe('action');
    expect(renderOutgoing({ ...base, msgtype: 'notice' }, opts).kind).toBe('notice');
    expect(renderOutgoing(base, { ...opts, replyNick: 'bob', edit: true }).text).toBe('* bob: hello');
  });

  it('links media (public URL when there is one, else the file name) and locations', () => {
    const media = {
      mxc: 'mxc://hs/x',
      mimetype: 'image/png',
      filename: 'cat.png',
      download: async () => Buffer.alloc(0),
    };
    expect(renderOutgoing({ ...base, msgtype: 'image', body: '', media }, opts).text).toBe('cat.png');
    const pub = { ...media, publicUrl: 'https://bridge.example/media/x' };
    expect(renderOutgoing({ ...base, msgtype: 'image', body: 'look', media: pub }, opts).text).toBe(
      'look https://bridge.example/media/x',
    );
    const loc = renderOutgoing(
      { ...base, msgtype: 'location', body: 'here', location: { latitude: 1, longitude: 2 } },
      {
        ...opts,
        budget: 200,
      },
    );
    expect(loc.text).toBe('here: https://www.openstreetmap.org/?mlat=1&mlon=2#map=16/1/2');
  });

  it('keeps up to max_lines lines, and sends a link beyond', () => {
    expect(renderOutgoing({ ...base, body: 'a\nb\nc' }, opts).text).toBe('a\nb\nc');
    const long = renderOutgoing({ ...base, body: 'first line\nb\nc\nd' }, { ...opts, budget: 100 });
    expect(long.linked).toBe(true);
    expect(long.text).toBe('first line … (full message: https://matrix.to/#/!r%3Ahs/%24ev)');
    expect(Buffer.byteLength(long.text)).toBeLessThanOrEqual(100);
    const wrapped = renderOutgoing({ ...base, body: 'word '.repeat(40) }, opts);
    expect(wrapped.linked).toBe(true);
  });
});
