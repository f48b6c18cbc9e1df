import { useId, useState } from 'react';
import type { User } from '@chairside/core';
import { ApiError } from '../../api/http';
import { useApi } from '../../api/ApiContext';

/** Sign-in: the server's own message is shown when it refuses, so the nurse knows why. */
export function LoginScreen({ onSignedIn }: { onSignedIn: (token: string, user: User) => void }) {
  const api = useApi();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const errorId = useId();

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const result = await api.login({ username: username.trim(), password });
      onSignedIn(result.token, result.user);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Sign-in failed. Try again.');
      setBusy(false);
    }
  };

  return (
    <main className="login">
      <form
        className="login-form"
        aria-labelledby="login-title"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h1 id="login-title">Chairside</h1>
        <p className="login-lead">Sign in to watch the chairs.</p>
        <label className="field">
          <span>Username</span>
          <input
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            autoFocus
            required
            value={username}
            aria-describedby={error === null ? undefined : errorId}
            onChange={(e) => {
              setUsername(e.target.value);
            }}
          />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            aria-describedby={error === null ? undefined : errorId}
            onChange={(e) => {
              setPassword(e.target.value);
            }}
          />
        </label>
        {error !== null && (
          <p id={errorId} className="form-error" role="alert">
            <span aria-hidden="true">⚠ </span>
            {error}
          </p>
        )}
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
