import { joinLines, rawLine, textLines, trailingLine } from '../../../bridges/irc/irc-lines';
import { reconnectDelay } from '../../../bridges/irc/reconnect';
import { buildClientOptions, IrcInputError } from '../../../bridges/irc/safe-client-types';

describe('rawLine', () => {
  test('builds allow-listed commands, with a colon only where the last parameter needs one', () => {
    expect(rawLine('mode', ['#c', '+o', 'nick'], 512)).toBe('MODE #c +o nick');
    expect(rawLine('AWAY', ['gone for lunch'], 512)).toBe('AWAY :gone for lunch');
    expect(rawLine('AWAY', [''], 512)).toBe('AWAY :');
    expect(rawLine('AWAY', [':)'], 512)).toBe('AWAY ::)');
    expect(rawLine('NAMES', [], 512)).toBe('NAMES');
  });

  test.each([
    ['PRIVMSG', ['#c', 'hi']],
    ['QUIT', []],
    ['MODE', ['#c', '+m\r\nQUIT']],
    ['MODE', ['#c +m', 'x']],
    ['MODE', [':#c', 'x']],
    ['WHOIS', ['a\0b']],
    ['AWAY', ['x'.repeat(600)]],
  ] as const)('refuses %s %j', (command, params) => {
    expect(() => rawLine(command, params, 512)).toThrow(IrcInputError);
  });
});

describe('trailingLine', () => {
  test('flattens line breaks and leaves the parameter out when there is no text', () => {
    expect(trailingLine('PART #c', 'bye\r\nQUIT :x', 512)).toBe('PART #c :bye QUIT :x');
    expect(trailingLine('PART #c', undefined, 512)).toBe('PART #c');
    expect(trailingLine('PART #c', '\r\n', 512)).toBe('PART #c');
    expect(trailingLine('TOPIC #c', '', 512, true)).toBe('TOPIC #c :');
  });

  test('cuts the text so that the line fits, on a character boundary', () => {
    const line = trailingLine('TOPIC #c', '🎉'.repeat(200), 512);
    expect(Buffer.byteLength(line)).toBeLessThanOrEqual(510);
    expect(line.endsWith('🎉')).toBe(true);
  });
});

describe('textLines', () => {
  test('one PRIVMSG or NOTICE per piece; actions wrapped in CTCP within the same budget', () => {
    expect(textLines('PRIVMSG', '#c', 'a\nb', 100, false)).toEqual(['PRIVMSG #c :a', 'PRIVMSG #c :b']);
    expect(textLines('NOTICE', 'nick', 'hi', 100, false)).toEqual(['NOTICE nick :hi']);
    const actions = textLines('PRIVMSG', '#c', 'x'.repeat(30), 20, true);
    expect(actions).toEqual(['PRIVMSG #c :\x01ACTION xxxxxxxxxxx\x01', ...actions.slice(1)]);
    for (const line of actions)
      expect(Buffer.byteLength(line.split(' :')[1] as string)).toBeLessThanOrEqual(20);
  });

  test('refuses a message with nothing to send', () => {
    expect(() => textLines('PRIVMSG', '#c', '\r\n \x01', 100, false)).toThrow(IrcInputError);
  });
});

test('joinLines: keyed channels first, as few lines as fit', () => {
  expect(joinLines([{ name: '#a' }, { name: '#k', key: 'sekrit' }, { name: '#b' }], 512)).toEqual([
    'JOIN #k,#a,#b sekrit',
  ]);
  const many = Array.from({ length: 100 }, (_, i) => ({ name: `#channel-${i}` }));
  const lines = joinLines(many, 512);
  expect(lines.length).toBeGreaterThan(1);
  for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(510);
  expect(lines.flatMap((l) => l.slice('JOIN '.length).split(','))).toEqual(many.map((c) => c.name));
});

describe('reconnectDelay', () => {
  const opts = { minDelayMs: 1000, maxDelayMs: 60_000 };

  test('grows exponentially from the floor, jittered over the whole window', () => {
    expect(reconnectDelay(1, opts, () => 0)).toBe(1000);
    expect(reconnectDelay(1, opts, () => 1)).toBe(2000);
    expect(reconnectDelay(3, opts, () => 1)).toBe(8000);
    expect(reconnectDelay(3, opts, () => 0.5)).toBe(4500);
  });

  test('is capped at the maximum, also for very many attempts', () => {
    expect(reconnectDelay(10, opts, () => 1)).toBe(60_000);
    expect(reconnectDelay(10_000, opts, () => 1)).toBe(60_000);
  });

  test('spreads clients that dropped together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => reconnectDelay(4, opts)));
    expect(delays.size).toBeGreaterThan(40);
  });
});

describe('buildClientOptions', () => {
  const base = { host: '127.0.0.1', port: 6667, nick: 'alice' };

  test('defaults: echo-message on, no CTCP auto-reply, no irc-framework reconnect, no SASL', () => {
    expect(buildClientOptions(base)).toMatchObject({
      nick: 'alice',
      username: 'alice',
      gecos: 'alice',
      enable_echomessage: true,
      version: null,
      auto_reconnect: false,
      rejectUnauthorized: true,
      account: { account: '', password: '' },
    });
  });

  test('flattens the realname; refuses line breaks where it cannot flatten', () => {
    expect(buildClientOptions({ ...base, gecos: 'Alice\r\nQUIT' }).gecos).toBe('Alice QUIT');
    expect(() => buildClientOptions({ ...base, username: 'a b' })).toThrow(IrcInputError);
    expect(() => buildClientOptions({ ...base, username: 'a@b' })).toThrow(IrcInputError);
    expect(() => buildClientOptions({ ...base, password: 'p\nQUIT' })).toThrow(IrcInputError);
    expect(() => buildClientOptions({ ...base, nick: '1nick' })).toThrow(IrcInputError);
  });
});
