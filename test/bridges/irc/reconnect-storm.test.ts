/**
 * A server restart with many puppets: they all lose their socket at once, and must come back
 * through the network's connect gate a few at a time (the bot ahead of the queue), then rejoin their channels.
 * The module runs on a fake core context against a real InspIRCd.
 */
import { IrcNetwork } from '../../../bridges/irc/client';
import { withDefaults, type IrcConfig } from '../../../bridges/irc/config';
import { bindToMatrix } from '../../../bridges/irc/to-matrix';
import { startInspircd, type InspircdServer } from '../../harness/inspircd';
import { fakeModuleContext } from '../../support/fake-module-context';
import { waitUntil } from './helpers';

jest.setTimeout(90_000);

const PUPPETS = 40;
const RATE = 20;

describe('reconnect after a server restart', () => {
  let ircd: InspircdServer;
  let net: IrcNetwork;

  beforeAll(async () => {
    ircd = await startInspircd();
  });
  afterAll(async () => {
    await net?.stop();
    await ircd?.stop();
  });

  it(`brings ${PUPPETS} puppets back at ${RATE}/s, the bot near the front, and rejoins them`, async () => {
    const config: IrcConfig = {
      networks: {
        t: withDefaults('t', {
          host: ircd.host,
          port: ircd.port,
          tls: false,
          connects_per_second: RATE,
          reconnect: { min_delay_ms: 100, max_delay_ms: 400 },
          idle_timeout_seconds: 0,
        }),
      },
    };
    const ctx = fakeModuleContext(config, { network: 'irc' });
    const users = Array.from({ length: PUPPETS }, (_, i) => `@u${i}:hs`);
    ctx.portals.push({
      network: 'irc',
      chat: { id: 't/#storm' },
      roomId: '!storm:hs',
      kind: 'channel',
      metadata: {},
    });
    ctx.members.set('!storm:hs', users);
    net = new IrcNetwork(ctx, 't', config.networks.t as IrcConfig['networks'][string], bindToMatrix);
    await net.start();
    await Promise.all(users.map((userId) => net.puppet({ userId, displayName: userId })));
    const everyone = () => (net.channels.get('#storm')?.conns.length === PUPPETS + 1 ? true : undefined);
    await waitUntil(everyone, 'every puppet in #storm', 30_000);

    // When the gate lets each reconnect open its socket, and who it was.
    const released: { bot: boolean; at: number }[] = [];
    const wait = net.gate.wait.bind(net.gate);
    net.gate.wait = async (first = false) => {
      await wait(first);
      released.push({ bot: first, at: Date.now() });
    };
    let registered = 0;
    for (const conn of [net.bot, ...users.map((u) => net.puppetOf(u))]) {
      if (!conn) throw new Error('a puppet is missing');
      conn.client.on('registered', () => (registered += 1));
    }
    await ircd.restart();
    await waitUntil(() => (registered >= PUPPETS + 1 ? true : undefined), 'every connection back', 40_000);
    await waitUntil(everyone, 'every puppet back in #storm', 20_000);

    const times = released.map((r) => r.at);
    const span = (times.at(-1) as number) - (times[0] as number);
    // N connections through a gate of RATE/s take at least (N - 1) / RATE seconds, RATE in any second.
    expect(span).toBeGreaterThanOrEqual(((PUPPETS - 1) / RATE) * 1000 * 0.9);
    for (const t of times)
      expect(times.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(RATE + 1);
    // The bot jumps the queue: it is back among the first, not behind the other puppets.
    expect(released.findIndex((r) => r.bot)).toBeLessThan(RATE / 2);
    expect(ctx.events.filter((e) => e.type === 'member')).toHaveLength(0);
  });
});
