import { useEffect, useId, useState } from 'react';
import type { ReactNode, SyntheticEvent } from 'react';
import { can, ChairCreateSchema, ROLES, toErrorIssues, UserCreateSchema } from '@chairside/core';
import type { Role, User } from '@chairside/core';
import { useApi } from '../../api/ApiContext';
import { ApiError } from '../../api/http';
import { useAuth } from '../../store/auth';
import { useClinic } from '../../store/clinic';

type Errors = Partial<Record<string, string>>;

const ROLE_NAMES: Record<Role, string> = {
  nurse: 'Nurse',
  charge: 'Charge nurse',
  trainer: 'Trainer',
  admin: 'Administrator',
};

export const PASSWORD_RULES = 'At least 10 characters, with a letter and a digit.';

function byField(issues: readonly { path: string; message: string }[]): Errors {
  const errors: Errors = {};
  for (const i of issues) errors[i.path === '' ? 'form' : i.path] ??= i.message;
  return errors;
}

/** A server refusal in the form's terms: 409 is a taken name, issues go to their fields. */
function refusal(err: unknown, conflictField: string): Errors {
  if (err instanceof ApiError) {
    if (err.status === 409) return { [conflictField]: err.message };
    if (err.issues.length > 0) return byField(err.issues);
    return { form: err.message };
  }
  return { form: 'Not saved. Try again.' };
}

function Field({
  id,
  label,
  hint,
  error,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  error: string | undefined;
  children: ReactNode;
}) {
  return (
    <div className="entry-field admin-field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint !== undefined && (
        <span className="entry-hint muted" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      {error !== undefined && (
        <span className="entry-error" id={`${id}-error`}>
          <span aria-hidden="true">⚠ </span>
          {error}
        </span>
      )}
    </div>
  );
}

const describe = (id: string, hint: boolean, error: string | undefined) =>
  [hint ? `${id}-hint` : null, error === undefined ? null : `${id}-error`]
    .filter((x) => x !== null)
    .join(' ') || undefined;

function ChairsSection() {
  const api = useApi();
  const idBase = useId();
  const chairIds = useClinic((s) => s.chairIds);
  const chairs = useClinic((s) => s.chairs);
  const [label, setLabel] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [added, setAdded] = useState<string | null>(null);

  async function submit(e: SyntheticEvent) {
    e.preventDefault();
    setAdded(null);
    const parsed = ChairCreateSchema.safeParse({ label });
    if (!parsed.success) {
      setErrors(byField(toErrorIssues(parsed.error)));
      return;
    }
    setErrors({});
    try {
      const chair = await api.createChair(parsed.data);
      // The server announces the chair on the live link too; adding it now shows it at once.
      useClinic.getState().upsertChair({ ...chair, session: null });
      setAdded(chair.label);
      setLabel('');
    } catch (err) {
      setErrors(refusal(err, 'label'));
    }
  }

  const id = `${idBase}-label`;
  return (
    <section className="admin-section" aria-labelledby={`${idBase}-title`}>
      <h2 id={`${idBase}-title`} className="panel-title">
        Chairs ({chairIds.length})
      </h2>
      <ul className="admin-list" aria-label="Chairs">
        {chairIds.map((c) => (
          <li key={c}>{chairs[c]?.chair.label ?? c}</li>
        ))}
      </ul>
      <form
        className="admin-form"
        aria-label="Add a chair"
        noValidate
        onSubmit={(e) => {
          void submit(e);
        }}
      >
        <Field id={id} label="New chair label" error={errors.label}>
          <input
            id={id}
            value={label}
            autoComplete="off"
            aria-invalid={errors.label !== undefined}
            aria-describedby={describe(id, false, errors.label)}
            onChange={(e) => {
              setLabel(e.target.value);
            }}
          />
        </Field>
        <button type="submit" className="button button-primary">
          Add chair
        </button>
        <p role="status" className="entry-status">
          {added === null ? '' : `Added ${added}`}
        </p>
        {errors.form !== undefined && (
          <p className="form-error" role="alert">
            {errors.form}
          </p>
        )}
      </form>
    </section>
  );
}

function AccountsSection() {
  const api = useApi();
  const idBase = useId();
  const [users, setUsers] = useState<readonly User[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [form, setForm] = useState<{ username: string; password: string; role: Role }>({
    username: '',
    password: '',
    role: 'nurse',
  });
  const [errors, setErrors] = useState<Errors>({});
  const [added, setAdded] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    api
      .listUsers()
      .then((list) => {
        if (current) setUsers(list);
      })
      .catch((e: unknown) => {
        if (current) setLoadError(e instanceof ApiError ? e.message : 'Accounts not loaded.');
      });
    return () => {
      current = false;
    };
  }, [api]);

  async function submit(e: SyntheticEvent) {
    e.preventDefault();
    setAdded(null);
    const parsed = UserCreateSchema.safeParse(form);
    if (!parsed.success) {
      setErrors(byField(toErrorIssues(parsed.error)));
      return;
    }
    setErrors({});
    try {
      const user = await api.createUser(parsed.data);
      setUsers((u) => [...(u ?? []), user]);
      setAdded(`${user.username} (${ROLE_NAMES[user.role]})`);
      setForm({ username: '', password: '', role: form.role });
    } catch (err) {
      setErrors(refusal(err, 'username'));
    }
  }

  const f = (name: string) => `${idBase}-${name}`;
  return (
    <section className="admin-section" aria-labelledby={`${idBase}-title`}>
      <h2 id={`${idBase}-title`} className="panel-title">
        Accounts {users === null ? '' : `(${users.length})`}
      </h2>
      {loadError !== null && (
        <p className="form-error" role="alert">
          {loadError}
        </p>
      )}
      {users !== null && (
        <table className="readings-table admin-table">
          <caption className="visually-hidden">Accounts</caption>
          <thead>
            <tr>
              <th scope="col">Username</th>
              <th scope="col">Role</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.username}>
                <th scope="row">{u.username}</th>
                <td>{ROLE_NAMES[u.role]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        className="admin-form"
        aria-label="Add an account"
        noValidate
        onSubmit={(e) => {
          void submit(e);
        }}
      >
        <Field
          id={f('username')}
          label="Username"
          hint="lowercase letters, digits, dot, dash, underscore"
          error={errors.username}
        >
          <input
            id={f('username')}
            value={form.username}
            autoComplete="off"
            aria-invalid={errors.username !== undefined}
            aria-describedby={describe(f('username'), true, errors.username)}
            onChange={(e) => {
              setForm({ ...form, username: e.target.value });
            }}
          />
        </Field>
        <Field id={f('password')} label="Password" hint={PASSWORD_RULES} error={errors.password}>
          <input
            id={f('password')}
            type="password"
            value={form.password}
            autoComplete="new-password"
            aria-invalid={errors.password !== undefined}
            aria-describedby={describe(f('password'), true, errors.password)}
            onChange={(e) => {
              setForm({ ...form, password: e.target.value });
            }}
          />
        </Field>
        <Field id={f('role')} label="Role" error={errors.role}>
          <select
            id={f('role')}
            value={form.role}
            onChange={(e) => {
              const role = ROLES.find((r) => r === e.target.value);
              if (role !== undefined) setForm({ ...form, role });
            }}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_NAMES[r]}
              </option>
            ))}
          </select>
        </Field>
        <button type="submit" className="button button-primary">
          Add account
        </button>
        <p role="status" className="entry-status">
          {added === null ? '' : `Added ${added}`}
        </p>
        {errors.form !== undefined && (
          <p className="form-error" role="alert">
            {errors.form}
          </p>
        )}
      </form>
    </section>
  );
}

/** Chairs and accounts, for the clinic's administrator only. */
export default function AdminScreen() {
  const role = useAuth((s) => s.user?.role ?? null);
  if (role === null || !can(role, 'users:manage')) {
    return (
      <main className="detail">
        <h1 className="detail-title">Administration</h1>
        <p>Only an administrator can manage chairs and accounts.</p>
      </main>
    );
  }
  return (
    <main className="detail admin" aria-labelledby="admin-title">
      <h1 id="admin-title" className="detail-title">
        Administration
      </h1>
      <div className="detail-work">
        <ChairsSection />
        <AccountsSection />
      </div>
    </main>
  );
}
