import type { ReactNode } from 'react';
import type { Role, User } from '@chairside/core';
import { formatClock } from '../../time/format';

const ROLE_NAMES: Record<Role, string> = {
  nurse: 'Infusion nurse',
  charge: 'Charge nurse',
  trainer: 'Trainer',
  admin: 'Clinic admin',
};

// The clinic's own name is set at build time; the product name stands in without one.
const CLINIC_NAME: string =
  typeof import.meta.env.VITE_CLINIC_NAME === 'string'
    ? import.meta.env.VITE_CLINIC_NAME
    : 'Infusion clinic';

export function Header({
  user,
  now,
  onLogout,
  children,
}: {
  user: User;
  now: number;
  onLogout: () => void;
  /** Navigation and station controls (alarm sound), between the clock and the user. */
  children?: ReactNode;
}) {
  return (
    <header className="app-header">
      <div className="app-brand">
        <span className="app-name">Chairside</span>
        <span className="clinic-name">{CLINIC_NAME}</span>
      </div>
      <time className="app-clock" dateTime={new Date(now).toISOString()} aria-label="Current time">
        {formatClock(now)}
      </time>
      {children}
      <div className="app-user">
        <span>
          <span className="user-name">{user.username}</span>
          <span className="user-role"> · {ROLE_NAMES[user.role]}</span>
        </span>
        <button type="button" className="button" onClick={onLogout}>
          Log out
        </button>
      </div>
    </header>
  );
}
