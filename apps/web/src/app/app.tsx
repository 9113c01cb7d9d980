import { useEffect, useState, useSyncExternalStore } from 'react';
import { getSession, localSession, setSession, subscribeSession } from '../api/session.ts';
import { Loading } from '../ui/status.tsx';
import { AppShell } from './app-shell.tsx';
import { LoginPage } from './login-page.tsx';

/**
 * The app: find out whether the server wants a login (an unauthenticated call answers 401 when auth
 * is on), then show the login page or the shell.
 */
export function App() {
  const session = useSyncExternalStore(subscribeSession, getSession);
  const [probe, setProbe] = useState<'probing' | 'auth-on' | 'failed'>('probing');
  const [hadSession] = useState(() => getSession() !== null);

  useEffect(() => {
    if (session !== null) return;
    let cancelled = false;
    fetch('/alerts?_count=1', { headers: { accept: 'application/json' } })
      .then((res) => {
        if (cancelled) return;
        if (res.status === 401) setProbe('auth-on');
        else if (res.ok) setSession(localSession);
        else setProbe('failed');
      })
      .catch(() => !cancelled && setProbe('failed'));
    return () => {
      cancelled = true;
    };
  }, [session]);

  if (session !== null) return <AppShell session={session} />;
  if (probe === 'probing') return <Loading what="Vitaltwin" />;
  if (probe === 'failed')
    return (
      <main className="login" id="main">
        <div className="login-card" role="alert">
          <h1>Vitaltwin</h1>
          <p>
            The server cannot be reached. Check that <code>vitaltwin serve</code> is running, then reload.
          </p>
        </div>
      </main>
    );
  return <LoginPage {...(hadSession ? { notice: 'Your session has ended. Please sign in again.' } : {})} />;
}
