import { atLeast, PERMISSION_LEVELS, permissionFor } from '../../src/config/permissions';
import type { PermissionLevel } from '../../src/config/types';

describe('permissionFor', () => {
  const perms: Record<string, PermissionLevel> = {
    '*': 'relay',
    'example.org': 'user',
    'matrix.example.org:8448': 'admin',
    '@boss:example.org': 'admin',
    '@troll:example.org': 'block',
  };

  it('picks the most specific entry: user, then server, then *', () => {
    expect(permissionFor('@boss:example.org', perms)).toBe('admin');
    expect(permissionFor('@troll:example.org', perms)).toBe('block');
    expect(permissionFor('@alice:example.org', perms)).toBe('user');
    expect(permissionFor('@alice:EXAMPLE.org', perms)).toBe('user');
    expect(permissionFor('@alice:matrix.example.org:8448', perms)).toBe('admin');
    expect(permissionFor('@alice:other.org', perms)).toBe('relay');
  });

  it('does not match subdomains or look-alike ids', () => {
    expect(permissionFor('@alice:sub.example.org', { 'example.org': 'user' })).toBe('block');
    expect(permissionFor('@alice:example.org.evil', { 'example.org': 'user' })).toBe('block');
    expect(permissionFor('@Boss:example.org', { '@boss:example.org': 'admin' })).toBe('block');
    expect(permissionFor('example.org', { 'example.org': 'admin' })).toBe('block');
    expect(permissionFor('!room:example.org', { '*': 'admin' })).toBe('block');
    expect(permissionFor('@x:example.org', { '*': 'user', '@y:example.org': 'admin' })).toBe('user');
  });

  it('blocks when nothing matches', () => {
    expect(permissionFor('@alice:example.org', {})).toBe('block');
    expect(permissionFor('@alice:other.org', { 'example.org': 'admin' })).toBe('block');
  });
});

describe('atLeast', () => {
  it('orders block < relay < user < admin', () => {
    expect(PERMISSION_LEVELS).toEqual(['block', 'relay', 'user', 'admin']);
    expect(atLeast('admin', 'user')).toBe(true);
    expect(atLeast('user', 'user')).toBe(true);
    expect(atLeast('relay', 'user')).toBe(false);
    expect(atLeast('block', 'relay')).toBe(false);
    expect(atLeast('block', 'block')).toBe(true);
  });
});
