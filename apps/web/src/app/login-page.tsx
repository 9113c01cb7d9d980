import { type FormEvent, useId, useState } from 'react';
import { errorMessage } from '../api/api-client.ts';
import { sessionFromTokens, setSession, type TokenResponse } from '../api/session.ts';

/** Log in with a username and password (POST /auth/login); the server rate-limits attempts. */
export function LoginPage({ notice }: { notice?: string }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const errorId = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await fetch('/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      const body = (await res.json().catch(() => ({}))) as unknown;
      if (!res.ok) {
        setError(res.status === 401 ? 'Wrong username or password.' : errorMessage(res.status, body).message);
        return;
      }
      const session = sessionFromTokens(username, body as TokenResponse, Date.now());
      if (session === null) setError('The server answered with a token this app cannot use.');
      else setSession(session);
    } catch {
      setError('The server cannot be reached.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login" id="main">
      <form className="login-card" onSubmit={submit} aria-describedby={error ? errorId : undefined}>
        <h1>
          <span className="brand-mark" aria-hidden="true" /> Vitaltwin
        </h1>
        <p className="muted">Sign in to see your patients.</p>
        {notice && <p className="notice">{notice}</p>}
        <label htmlFor="login-user">Username</label>
        <input
          id="login-user"
          name="username"
          autoComplete="username"
          required
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          // biome-ignore lint/a11y/noAutofocus: the login form is the only thing on the page.
          autoFocus
        />
        <label htmlFor="login-password">Password</label>
        <input
          id="login-password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {error && (
          <p className="form-error" id={errorId} role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted small">
          First start prints an administrator password; create users with <code>npx vitaltwin user add</code>.
        </p>
      </form>
    </main>
  );
}
