import { ErrorCode } from '../errors.js';
import { Role } from '../rpc.js';
import { hasRole, isRole, requirePlatformAdmin, requireRole } from './roles.js';

test('requireRole passes with any listed role, and always for org:admin', () => {
  expect(() => requireRole({ roles: [Role.AGENTS_CREATE] }, Role.AGENTS_CREATE)).not.toThrow();
  expect(() => requireRole({ roles: [Role.AGENTS_UPDATE] }, Role.AGENTS_CREATE, Role.AGENTS_UPDATE)).not.toThrow();
  expect(() => requireRole({ roles: [Role.ORG_ADMIN] }, Role.AGENTS_CREATE)).not.toThrow();
  expect(hasRole({ roles: [Role.ORG_ADMIN] })).toBe(true);
});

test('requireRole throws FORBIDDEN naming what is needed', () => {
  expect(() => requireRole({ roles: [Role.AGENTS_UPDATE] }, Role.AGENTS_CREATE)).toThrow(
    expect.objectContaining({ code: ErrorCode.FORBIDDEN, message: expect.stringContaining('org:manage_agents:create or org:admin') }),
  );
  expect(() => requireRole({ roles: [] }, Role.ORG_ADMIN)).toThrow(expect.objectContaining({ code: ErrorCode.FORBIDDEN }));
});

test('requirePlatformAdmin and isRole', () => {
  expect(() => requirePlatformAdmin({ platformAdmin: false })).toThrow(expect.objectContaining({ code: ErrorCode.FORBIDDEN }));
  expect(() => requirePlatformAdmin({ platformAdmin: true })).not.toThrow();
  expect(isRole('org:admin')).toBe(true);
  expect(isRole('org:owner')).toBe(false);
});
