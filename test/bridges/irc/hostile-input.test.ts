/**
 * DESIGN §8: CR/LF/NUL stripped and nick/channel names validated before anything reaches an IRC socket.
 * Against a real InspIRCd: irc-framework used directly lets a Matrix user inject commands (documented
 * below so the need for SafeClient stays visible), and the same input through SafeClient does not.
 * A second, plain client on the server observes what actually happened.
 */
import { IrcInputError, SafeClient } from '../../../bridges/irc/safe-client';
import { startInspircd, type InspircdServer } from '../../harness/inspircd';
import { connectSafe, Observer, uniqueNick } from './helpers';

/** Would be a PRIVMSG and a QUIT of their own if the line broke. */
const INJECTION = '\r\nPRIVMSG #chan :injected\r\nQUIT :pwned';
/** What is left when the line breaks are flattened to spaces. */
const FLATTENED = ' PRIVMSG #chan :injected QUIT :pwned';

let server: InspircdServer;

beforeAll(async () => {
  server = await startInspircd();
});

afterAll(async () => {
  await server?.stop();
});

describe('irc-framework used directly (the vulnerability SafeClient exists for)', () => {
  let observer: Observer;
  let attacker: Observer;

  beforeEach(async () => {
    observer = await Observer.connect(server, uniqueNick('witness'));
    attacker = await Observer.connect(server, uniqueNick('direct'));
    await attacker.join('#vuln');
    await observer.join('#vuln');
  });

  afterEach(async () => {
    await attacker.close();
    await observer.close();
  });

  test('action() sends CR/LF through: an injected QUIT disconnects the sender', async () => {
    attacker.client.action('#vuln', 'hi\r\nQUIT :pwned');
    const quit = await observer.waitFor((e) => e.type === 'quit' && e.nick === attacker.client.user.nick);
    // The ACTION's closing \x01 ends up after the injected line.
    expect(quit.text).toBe('Quit: pwned\x01');
  });

  test('setTopic() sends CR/LF through: an injected PRIVMSG reaches the channel', async () => {
    attacker.client.setTopic('#vuln', 'x\r\nPRIVMSG #vuln :injected');
    const injected = await observer.waitFor((e) => e.type === 'privmsg' && e.text === 'injected');
    expect(injected).toMatchObject({ nick: attacker.client.user.nick, target: '#vuln' });
  });
});

describe('SafeClient', () => {
  let observer: Observer;
  let victim: Observer;
  let attacker: SafeClient;
  let attackerNick: string;
  let sentinels = 0;

  /** Everything the attacker sent before this has been processed by the server once it returns. */
  async function settle(): Promise<void> {
    sentinels += 1;
    await attacker.say('#chan', `sentinel ${sentinels}`);
    await observer.waitFor((e) => e.type === 'privmsg' && e.text === `sentinel ${sentinels}`);
  }

  /** No injected command took effect: no PRIVMSG "injected" of its own, no QUIT "pwned". */
  function expectNoInjection(): void {
    const seen = [...observer.seen, ...victim.seen];
    expect(seen.filter((e) => e.type === 'privmsg' && e.text === 'injected')).toEqual([]);
    expect(seen.filter((e) => e.type === 'quit' && e.text.startsWith('Quit: pwned'))).toEqual([]);
  }

  beforeAll(async () => {
    // Attacker-controlled text in the realname too; checked through extended-join below.
    attackerNick = uniqueNick('safe');
    observer = await Observer.connect(server, uniqueNick('observer'));
    victim = await Observer.connect(server, uniqueNick('victim'));
    attacker = await connectSafe(server, attackerNick, {}, { gecos: `Real name${INJECTION}` });
    // The attacker creates the channels, so it is their operator (it may set topics and kick).
    for (const channel of ['#chan', '#other', '#kickchan']) {
      await attacker.join(channel);
      await observer.join(channel);
    }
    await victim.join('#kickchan');
  });

  afterAll(async () => {
    await attacker?.quit();
    await victim?.close();
    await observer?.close();
  });

  afterEach(() => expectNoInjection());

  test('realname: line breaks flattened (seen through extended-join)', async () => {
    // The observer was not in the channels yet when the attacker created them: it sees a later join.
    await attacker.join('#gecos');
    await observer.join('#gecos');
    await attacker.part('#gecos');
    await attacker.join('#gecos');
    const join = await observer.waitFor(
      (e) => e.type === 'join' && e.nick === attackerNick && e.target === '#gecos',
    );
    expect(join.gecos).toBe(`Real name${FLATTENED}`);
  });

  test.each([
    ['say', 'privmsg'],
    ['notice', 'notice'],
    ['action', 'action'],
  ] as const)('%s: each line of the text arrives as text, none as a command', async (method, type) => {
    await attacker[method]('#chan', `hi${INJECTION}`);
    await settle();
    const texts = observer
      .from(attackerNick)
      .filter((e) => e.type === type && e.target === '#chan' && !e.text.startsWith('sentinel'));
    expect(texts.slice(-3).map((e) => e.text)).toEqual(['hi', 'PRIVMSG #chan :injected', 'QUIT :pwned']);
  });

  test('topic: line breaks flattened', async () => {
    await attacker.setTopic('#chan', `topic${INJECTION}`);
    const topic = await observer.waitFor((e) => e.type === 'topic' && e.nick === attackerNick);
    expect(topic.text).toBe(`topic${FLATTENED}`);
    await settle();
  });

  test('part reason: line breaks flattened', async () => {
    await attacker.part('#other', `bye${INJECTION}`);
    const part = await observer.waitFor(
      (e) => e.type === 'part' && e.nick === attackerNick && e.target === '#other',
    );
    expect(part.text).toBe(`bye${FLATTENED}`);
    await settle();
  });

  test('kick reason: line breaks flattened', async () => {
    await attacker.kick('#kickchan', victim.client.user.nick, `out${INJECTION}`);
    const kick = await victim.waitFor((e) => e.type === 'kick' && e.nick === attackerNick);
    expect(kick).toMatchObject({ kicked: victim.client.user.nick, text: `out${FLATTENED}` });
    await settle();
  });

  test('nick, channel, key and raw parameters with line breaks are refused before sending', async () => {
    const refusals: Promise<unknown>[] = [
      attacker.changeNick(`evil${INJECTION}`),
      attacker.join(`#x${INJECTION}`),
      attacker.join('#keyed', `key${INJECTION}`),
      attacker.part(`#chan${INJECTION}`),
      attacker.say(`#chan${INJECTION}`, 'hi'),
      attacker.say(`nick${INJECTION}`, 'hi'),
      attacker.setTopic('#chan\nQUIT', 'topic'),
      attacker.kick('#kickchan', `${victim.client.user.nick}${INJECTION}`),
      attacker.kick(`#kickchan${INJECTION}`, victim.client.user.nick),
      attacker.raw('MODE', '#chan', `+m${INJECTION}`),
      attacker.raw('AWAY', `gone${INJECTION}`),
      attacker.raw('MODE', '#chan +m', 'x'),
      attacker.raw('WHOIS', `nick\0QUIT`),
    ];
    for (const refusal of refusals) await expect(refusal).rejects.toBeInstanceOf(IrcInputError);
    await settle();
  });

  test('raw refuses commands outside its allow-list', async () => {
    for (const command of ['PRIVMSG', 'QUIT', 'NICK', 'JOIN', 'KILL', `WHOIS${INJECTION}`]) {
      await expect(attacker.raw(command, '#chan', 'x')).rejects.toThrow(/not allowed through raw/);
    }
  });

  test('connect options with line breaks are refused', async () => {
    const base = { host: server.host, port: server.port, nick: uniqueNick('conn') };
    for (const bad of [
      { nick: `evil${INJECTION}` },
      { username: `user${INJECTION}` },
      { password: `pass${INJECTION}` },
      { sasl: { account: `acct${INJECTION}`, password: 'x' } },
    ]) {
      await expect(new SafeClient().connect({ ...base, ...bad })).rejects.toBeInstanceOf(IrcInputError);
    }
  });

  test('quit reason: line breaks flattened (last: the attacker leaves)', async () => {
    await attacker.quit(`bye${INJECTION}`);
    const quit = await observer.waitFor((e) => e.type === 'quit' && e.nick === attackerNick);
    expect(quit.text).toBe(`Quit: bye${FLATTENED}`);
  });
});
