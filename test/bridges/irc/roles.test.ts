import type { Member } from '../../../bridges/irc/channels';
import { applyModes, roleOf, rolesOf } from '../../../bridges/irc/roles';

const members = (...list: Member[]) => new Map(list.map((m) => [m.nick.toLowerCase(), m]));
/** A MODE line's changes as irc-framework reports them: `'+o alice'` → `{ mode: '+o', param: 'alice' }`. */
const line = (...changes: string[]) =>
  changes.map((c) => {
    const [mode = '', param] = c.split(' ');
    return param === undefined ? { mode } : { mode, param };
  });

describe('IRC prefix modes as roles', () => {
  it('takes the highest prefix mode a member holds', () => {
    expect(roleOf(undefined)).toBe('member');
    expect(roleOf('')).toBe('member');
    expect(roleOf('v')).toBe('voice');
    expect(roleOf('vo')).toBe('moderator');
    expect(roleOf('h')).toBe('moderator');
    expect(roleOf('ao')).toBe('admin');
    expect(roleOf('vq')).toBe('owner');
    expect(roleOf('Y')).toBe('member'); // a server's own prefix mode with no role
  });

  it('applies a MODE line and returns only members whose role changed', () => {
    const alice: Member = { nick: 'Alice', modes: 'v' };
    const bob: Member = { nick: 'bob' };
    const all = members(alice, bob);
    // switchboard is our own connection, not a member; +l and +m are channel modes.
    const changed = applyModes(all, line('+o alice', '+v BOB', '+o switchboard', '+l 10', '+m'), 'qaohv');
    expect(changed).toEqual([alice, bob]);
    expect(roleOf(alice.modes)).toBe('moderator');
    expect(roleOf(bob.modes)).toBe('voice');
    // -o leaves alice's voice; +v again on bob changes nothing.
    expect(applyModes(all, line('-o Alice', '+v bob'), 'qaohv')).toEqual([alice]);
    expect(roleOf(alice.modes)).toBe('voice');
    // +o then -o in one line: back where it was, so no change to report.
    expect(applyModes(all, line('+o bob', '-o bob'), 'qaohv')).toEqual([]);
  });

  it('counts only the prefix modes the server announced (+q is a quiet list elsewhere)', () => {
    const carol: Member = { nick: 'carol' };
    expect(applyModes(members(carol), line('+q carol'), 'ov')).toEqual([]);
    expect(roleOf(carol.modes)).toBe('member');
    expect(applyModes(members(carol), line('+q carol'), 'qaohv')).toEqual([carol]);
  });

  it('names each member by ghost id with its role', () => {
    expect(rolesOf([{ nick: 'Alice', modes: 'o' }], (n) => `test_${n.toLowerCase()}`)).toEqual([
      { member: { id: 'test_alice' }, role: 'moderator' },
    ]);
  });
});
