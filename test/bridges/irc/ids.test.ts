import {
  aliasLocalpart,
  chatId,
  fold,
  ghostId,
  ghostLocalpart,
  parseAliasLocalpart,
  parseChatId,
  parseGhostId,
  parseUserIdentifier,
} from '../../../bridges/irc/ids';
import { NetworkNamespace } from '../../../src/matrix/namespaces';

describe('IRC ids', () => {
  it('folds names with RFC 1459 case mapping', () => {
    expect(fold('Alice[M]\\~')).toBe('alice{m}|^');
    expect(chatId('libera', '#Matrix')).toBe('libera/#matrix');
    expect(ghostId('libera', 'Alice_')).toBe('libera_alice_');
  });

  it('parses canonical chat ids only', () => {
    expect(parseChatId('libera/#matrix')).toEqual({ network: 'libera', target: '#matrix', channel: true });
    expect(parseChatId('libera/alice')).toEqual({ network: 'libera', target: 'alice', channel: false });
    expect(parseChatId('libera/#Matrix')).toBeNull();
    expect(parseChatId('libera/#a b')).toBeNull();
    expect(parseChatId('Libera/#a')).toBeNull();
    expect(parseChatId('nope')).toBeNull();
  });

  it('names ghosts @irc_<network>_<nick>, through the core namespace', () => {
    const ns = new NetworkNamespace('irc', 'hs', 'irc_', 'irc_', ghostLocalpart);
    const cases: [string, string][] = [
      ['alice', '@irc_libera_alice:hs'],
      ['Bob_', '@irc_libera_bob_:hs'],
      ['_x', '@irc_libera__x:hs'],
      ['a-b', '@irc_libera_a-b:hs'],
      ['[m]Dana', '@irc_libera_=7bm=7ddana:hs'],
      ['a|b^c`d', '@irc_libera_a=7cb=5ec=60d:hs'],
    ];
    for (const [nick, mxid] of cases) {
      const id = ghostId('libera', nick);
      expect(ns.ghostUserId(id)).toBe(mxid);
      expect(ns.remoteUserIdOf(mxid)).toBe(id);
      expect(parseGhostId(id)).toEqual({ network: 'libera', nick: fold(nick) });
    }
  });

  it('round-trips any <network>_<rest> id, escaping what is not [a-z0-9_-]', () => {
    for (const id of [
      'libera_alice',
      'oftc_A',
      'libera_a.b',
      'libera_=zz',
      'libera_ü 😀',
      'libera_=',
      'x_%2f/',
    ]) {
      const lp = ghostLocalpart.encode(id);
      expect(lp).toMatch(/^[a-z0-9_=-]+$/);
      expect(ghostLocalpart.decode(lp)).toBe(id);
    }
    expect(ghostLocalpart.encode('oftc_A')).toBe('oftc_=41');
    expect(ghostLocalpart.encode('libera_=zz')).toBe('libera_=3dzz');
  });

  it('decodes only the spelling it makes, and only IRC ghost localparts', () => {
    for (const lp of [
      'libera_=zz', // not hex
      'libera_=4', // cut short
      'libera_=41=', // dangling =
      'libera_=61', // `a` spelled as an escape
      'libera_=5f', // `_` spelled as an escape
      'libera_=4A', // upper-case hex
      'libera_a.b', // `.` is not a character encode keeps
      'libera_=ff', // not UTF-8
      'libera', // no nick
      'libera_', // empty nick
      '_alice', // no network
      '=6cibera_alice', // network escaped
      'Libera_alice',
      'averyveryverylongnetwork_alice', // network ids are at most 16 characters
      '_bob__smith', // the default escaping of a foreign id
    ])
      expect([lp, ghostLocalpart.decode(lp)]).toEqual([lp, null]);
    const ns = new NetworkNamespace('irc', 'hs', 'irc_', 'irc_', ghostLocalpart);
    expect(ns.remoteUserIdOf('@irc_libera_alice:other')).toBeNull();
    expect(ns.remoteUserIdOf('@discord_123:hs')).toBeNull();
    expect(() => ns.ghostUserId('nonetwork')).toThrow(/does not turn back into that id/);
  });

  it('maps alias localparts to channels and back', () => {
    expect(parseAliasLocalpart('libera_matrix')).toEqual({ network: 'libera', channel: '#matrix' });
    expect(parseAliasLocalpart('libera_#foo')).toEqual({ network: 'libera', channel: '##foo' });
    expect(parseAliasLocalpart('libera_&local')).toEqual({ network: 'libera', channel: '&local' });
    expect(parseAliasLocalpart('libera_Matrix')).toBeNull();
    expect(parseAliasLocalpart('libera_a,b')).toBeNull();
    expect(parseAliasLocalpart('matrix')).toBeNull();
    expect(aliasLocalpart('libera', '#Matrix')).toBe('libera_matrix');
  });

  it('understands the ways users name an IRC user', () => {
    const nets = ['libera', 'oftc'];
    expect(parseUserIdentifier('libera_alice', nets)).toEqual({ network: 'libera', nick: 'alice' });
    expect(parseUserIdentifier('oftc/Bob', nets)).toEqual({ network: 'oftc', nick: 'Bob' });
    expect(parseUserIdentifier('Bob@oftc', nets)).toEqual({ network: 'oftc', nick: 'Bob' });
    expect(parseUserIdentifier('Bob', nets)).toBeNull();
    expect(parseUserIdentifier('Bob', ['libera'])).toEqual({ network: 'libera', nick: 'Bob' });
    expect(parseUserIdentifier('bad nick', ['libera'])).toBeNull();
    expect(parseUserIdentifier('efnet/alice', nets)).toBeNull();
  });
});
