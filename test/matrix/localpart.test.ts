import { escapeLocalpart, unescapeLocalpart } from '../../src/matrix/localpart';
import { NetworkNamespace } from '../../src/matrix/namespaces';

describe('localpart escaping', () => {
  it.each(['Bob_Smith', 'alice', '+3712345678@c.us', 'libera/#Matrix', 'Ünïcödé 😀', '=_=', ''])(
    'round-trips %p',
    (id) => {
      const escaped = escapeLocalpart(id);
      expect(escaped).toMatch(/^[a-z0-9._=\-/]*$/);
      expect(unescapeLocalpart(escaped)).toBe(id);
    },
  );

  it('rejects strings that are not escapes', () => {
    expect(unescapeLocalpart('_1')).toBeNull();
    expect(unescapeLocalpart('=zz')).toBeNull();
    expect(unescapeLocalpart('A')).toBeNull();
  });

  it('maps ghosts and aliases only in its own namespace and server', () => {
    const ns = new NetworkNamespace('irc', 'example.org', 'irc_', 'irc_');
    const ghost = ns.ghostUserId('Nick_Name');
    expect(ghost).toBe('@irc__nick___name:example.org');
    expect(ns.remoteUserIdOf(ghost)).toBe('Nick_Name');
    expect(ns.remoteUserIdOf('@irc__nick:evil.org')).toBeNull();
    expect(ns.remoteUserIdOf('@discord_x:example.org')).toBeNull();
    expect(ns.aliasLocalpart('#irc_libera_#chan:example.org')).toBe('libera_#chan');
    expect(ns.aliasLocalpart('#irc_x:other.org')).toBeNull();
  });
});
