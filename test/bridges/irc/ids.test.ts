import {
  aliasLocalpart,
  chatId,
  fold,
  ghostId,
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

  it('round-trips ghost ids through the core localpart escaping', () => {
    const ns = new NetworkNamespace('irc', 'hs', 'irc_', 'irc_');
    for (const nick of ['alice', 'Bob_', '_x', '[m]dana', 'a-b|c']) {
      const id = ghostId('libera', nick);
      const mxid = ns.ghostUserId(id);
      expect(mxid).toMatch(/^@irc_libera__[a-z0-9._=/-]+:hs$/);
      expect(ns.remoteUserIdOf(mxid)).toBe(id);
      expect(parseGhostId(id)).toEqual({ network: 'libera', nick: fold(nick) });
    }
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
