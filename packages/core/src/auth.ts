import { z } from 'zod';

export const ROLES = ['nurse', 'charge', 'trainer', 'admin'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

export const LoginSchema = z.strictObject({
  username: z.string().min(1, 'username is required').max(64),
  password: z.string().min(1, 'password is required').max(256),
});
export type Login = z.infer<typeof LoginSchema>;

/** Passwords: at least 10 characters with a letter and a digit; long passphrases welcome. */
export const PasswordSchema = z
  .string()
  .min(10, 'password must have at least 10 characters')
  .max(256)
  .refine((p) => /[A-Za-z]/.test(p) && /\d/.test(p), 'password must contain a letter and a digit');

export const UserCreateSchema = z.strictObject({
  username: z
    .string()
    .min(2)
    .max(32)
    .regex(/^[a-z0-9][a-z0-9._-]*$/, 'username: lowercase letters, digits, dot, dash, underscore'),
  password: PasswordSchema,
  role: RoleSchema,
});
export type UserCreate = z.infer<typeof UserCreateSchema>;

export const UserSchema = z.object({ username: z.string(), role: RoleSchema });
export type User = z.infer<typeof UserSchema>;

/**
 * What each role may do: one table, read by the server (to enforce) and the dashboard
 * (to show only what a person can use).
 */
export const PERMISSIONS = {
  'chairs:read': ['nurse', 'charge', 'trainer', 'admin'],
  'chairs:manage': ['admin'],
  'users:manage': ['admin'],
  'sessions:manage': ['nurse', 'charge', 'admin'],
  'vitals:read': ['nurse', 'charge', 'trainer', 'admin'],
  'vitals:ingest': ['nurse', 'charge', 'trainer', 'admin'],
  'alerts:read': ['nurse', 'charge', 'trainer', 'admin'],
  'alerts:acknowledge': ['nurse', 'charge', 'admin'],
  'alarm-rules:clinic': ['charge', 'admin'],
  'alarm-rules:session': ['nurse', 'charge', 'admin'],
  'audit:read': ['charge', 'admin'],
  'simulator:read': ['nurse', 'charge', 'trainer', 'admin'],
  'simulator:run': ['trainer', 'admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}
