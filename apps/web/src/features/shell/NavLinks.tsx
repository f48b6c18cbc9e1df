import { NavLink } from 'react-router';
import { can } from '@chairside/core';
import type { Role } from '@chairside/core';

/** The screens a role can open, in the header. */
export function NavLinks({ role }: { role: Role }) {
  return (
    <nav className="app-nav" aria-label="Screens">
      <NavLink to="/" end>
        Chairs
      </NavLink>
      {can(role, 'alerts:read') && <NavLink to="/history">Alarm history</NavLink>}
      {can(role, 'audit:read') && <NavLink to="/audit">Audit trail</NavLink>}
      {can(role, 'simulator:run') && <NavLink to="/trainer">Trainer</NavLink>}
      {can(role, 'users:manage') && <NavLink to="/admin">Admin</NavLink>}
    </nav>
  );
}
