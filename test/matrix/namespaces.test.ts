import { GhostLocalpartError, NetworkNamespace } from '../../src/matrix/namespaces';
import type { GhostLocalpartCodec } from '../../src/sdk';

/** Lower-case words only, kept as they are. */
const words: GhostLocalpartCodec = {
  encode: (id) => id,
  decode: (lp) => (/^[a-z0-9]+$/.test(lp) ? lp : null),
};

describe('NetworkNamespace with a module ghost localpart encoding', () => {
  const ns = new NetworkNamespace('mynet', 'example.org', 'mynet_', 'mynet_', words);

  it('uses the module encoding both ways', () => {
    expect(ns.ghostUserId('alice')).toBe('@mynet_alice:example.org');
    expect(ns.remoteUserIdOf('@mynet_alice:example.org')).toBe('alice');
  });

  it('refuses localparts with characters Matrix does not allow, saying which module and id', () => {
    expect(() => ns.ghostUserId('Alice')).toThrow(GhostLocalpartError);
    expect(() => ns.ghostUserId('Alice')).toThrow(
      'module "mynet": ghostLocalpart.encode("Alice") gave "Alice", which has characters a Matrix user id may not contain',
    );
    expect(() => ns.ghostUserId('')).toThrow(/may not contain/);
  });

  it('refuses an encoding that does not come back', () => {
    const lossy = new NetworkNamespace('lossy', 'example.org', 'lossy_', 'lossy_', {
      encode: (id) => id.toLowerCase(),
      decode: (lp) => lp,
    });
    expect(lossy.ghostUserId('bob')).toBe('@lossy_bob:example.org');
    expect(() => lossy.ghostUserId('Bob')).toThrow(/does not turn back into that id/);
  });

  it('treats foreign, non-canonical and throwing decodes as "not our ghost"', () => {
    expect(ns.remoteUserIdOf('@mynet_a.b:example.org')).toBeNull();
    expect(ns.remoteUserIdOf('@mynet_alice:evil.org')).toBeNull();
    expect(ns.remoteUserIdOf('@other_alice:example.org')).toBeNull();
    const loose = new NetworkNamespace('loose', 'hs', 'l_', 'l_', {
      encode: (id) => id,
      decode: (lp) => lp.replace(/^0+/, ''), // `007` and `7` would both be user 7
    });
    expect(loose.remoteUserIdOf('@l_7:hs')).toBe('7');
    expect(loose.remoteUserIdOf('@l_007:hs')).toBeNull();
    const throwing = new NetworkNamespace('t', 'hs', 't_', 't_', {
      encode: (id) => id,
      decode: () => {
        throw new Error('boom');
      },
    });
    expect(throwing.remoteUserIdOf('@t_x:hs')).toBeNull();
  });

  it('rejects a codec without functions', () => {
    expect(
      () => new NetworkNamespace('bad', 'hs', 'b_', 'b_', { encode: 'x' } as unknown as GhostLocalpartCodec),
    ).toThrow('module "bad": ghostLocalpart must have encode(remoteUserId) and decode(localpart) functions');
  });

  it('keeps the default escaping, and only its canonical spelling, without a module encoding', () => {
    const def = new NetworkNamespace('irc', 'hs', 'x_', 'x_');
    expect(def.ghostUserId('A_b')).toBe('@x__a__b:hs');
    expect(def.remoteUserIdOf('@x__a__b:hs')).toBe('A_b');
    expect(def.remoteUserIdOf('@x_=41:hs')).toBeNull(); // `A` is `_a`, not `=41`
    expect(def.remoteUserIdOf('@x_=ff:hs')).toBeNull(); // not UTF-8
  });
});
