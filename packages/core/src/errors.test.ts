import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toErrorIssues } from './errors';
import { can, ROLES, PERMISSIONS, UserCreateSchema } from './auth';

describe('error issues', () => {
  it('joins nested paths with dots and names unknown fields', () => {
    const schema = z.array(z.strictObject({ a: z.object({ b: z.number() }) }));
    const r = schema.safeParse([{ a: { b: 1 } }, { a: { b: 'x' }, extra: 1 }]);
    expect(r.success).toBe(false);
    const issues = toErrorIssues(r.error!);
    expect(issues.map((i) => i.path).sort()).toEqual(['1.a.b', '1.extra']);
    expect(issues.find((i) => i.path === '1.extra')?.message).toBe('unknown field "extra"');
  });
});

describe('roles', () => {
  it('lets only nurses, charge nurses and admins acknowledge, only admins manage chairs', () => {
    expect(ROLES.filter((r) => can(r, 'alerts:acknowledge'))).toEqual(['nurse', 'charge', 'admin']);
    expect(ROLES.filter((r) => can(r, 'chairs:manage'))).toEqual(['admin']);
    expect(ROLES.filter((r) => can(r, 'simulator:run'))).toEqual(['trainer', 'admin']);
    expect(Object.keys(PERMISSIONS).length).toBeGreaterThan(5);
  });

  it('refuses weak passwords with the field named', () => {
    for (const password of ['short1', 'onlyletterslong', '1234567890123']) {
      const r = UserCreateSchema.safeParse({ username: 'amy', password, role: 'nurse' });
      expect(r.success).toBe(false);
      expect(r.error?.issues[0]?.path).toEqual(['password']);
    }
    expect(
      UserCreateSchema.safeParse({ username: 'amy', password: 'infusion-2026', role: 'nurse' })
        .success,
    ).toBe(true);
  });
});
