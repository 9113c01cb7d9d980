import { type ReactElement, useEffect, useRef, useState } from 'react';
import { AlertsPage } from '../alerts/alerts-page.tsx';
import { apiJson } from '../api/api-client.ts';
import type { AlertList, AlertView } from '../api/api-types.ts';
import { permissionsFor } from '../api/permissions.ts';
import { type Session, setSession } from '../api/session.ts';
import { DataPage } from '../data/data-page.tsx';
import { PatientPage } from '../patient/patient-page.tsx';
import { TrialPage } from '../trials/trial-page.tsx';
import { TrialsPage } from '../trials/trials-page.tsx';
import { WardPage } from '../ward/ward-page.tsx';
import { WhatIfPage } from '../whatif/what-if-page.tsx';
import { EventHubProvider, useStreamStatus, useTwinEvents } from './event-hub.tsx';
import { Link, matchPath, navigate, useLocation } from './router.tsx';

/**
 * The signed-in app: a skip link, the header with navigation (what the role may use), the live
 * connection state and the open-alert count, an assertive live region that announces new and
 * escalated alerts on every page, and the routed page. After each navigation focus moves to the
 * page's heading, so keyboard and screen-reader users start at the new content.
 */
export function AppShell({ session }: { session: Session }) {
  const perms = permissionsFor(session.role);
  return (
    <EventHubProvider enabled={perms.alerts}>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <Header session={session} />
      <Routes session={session} />
    </EventHubProvider>
  );
}

function Header({ session }: { session: Session }) {
  const perms = permissionsFor(session.role);
  const { path } = useLocation();
  const status = useStreamStatus();
  const openAlerts = useOpenAlertCount(perms.alerts);
  const [announcement, setAnnouncement] = useState('');

  useTwinEvents((event) => {
    if (event.type !== 'alert') return;
    const transition = event.data['transition'];
    const alert = event.data['alert'] as AlertView | undefined;
    if (alert && (transition === 'opened' || transition === 'escalated')) {
      setAnnouncement(`${transition === 'opened' ? 'New' : 'Escalated'} ${alert.severity} alert: ${alert.summary}`);
    }
  });

  const items = [
    perms.ward && { to: '/ward', label: 'Ward' },
    !perms.anyPatient && session.patientId && { to: `/patients/${encodeURIComponent(session.patientId)}`, label: 'My record' },
    perms.alerts && { to: '/alerts', label: 'Alerts', badge: openAlerts },
    perms.trials && { to: '/trials', label: 'Trials' },
    perms.data && { to: '/data', label: 'Data' },
  ].filter(Boolean) as { to: string; label: string; badge?: number | null }[];

  const live = status === 'open' ? 'Live' : status === 'closed' ? 'Offline' : 'Reconnecting…';
  return (
    <header className="app-header">
      <Link to="/" className="brand">
        <span className="brand-mark" aria-hidden="true" />
        Vitaltwin
      </Link>
      <nav aria-label="Main">
        <ul>
          {items.map((item) => {
            const current = path === item.to || path.startsWith(`${item.to}/`) || (path === '/' && item.to === '/ward');
            return (
              <li key={item.to}>
                <Link to={item.to} aria-current={current ? 'page' : undefined}>
                  {item.label}
                  {item.badge ? (
                    <span className="badge">
                      {item.badge}
                      <span className="visually-hidden"> open</span>
                    </span>
                  ) : null}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <div className="header-right">
        {perms.alerts && (
          <span className={`live live-${status}`} title="Real-time updates from the server">
            <span className="live-dot" aria-hidden="true" /> {live}
          </span>
        )}
        <span className="user" title={session.authOn ? 'Signed in' : 'Authentication is off on this server'}>
          {session.user} · {session.role}
        </span>
        {session.authOn && (
          <button type="button" className="link-button" onClick={() => setSession(null)}>
            Sign out
          </button>
        )}
      </div>
      <div className="visually-hidden" aria-live="assertive" aria-atomic="true">
        {announcement}
      </div>
    </header>
  );
}

/** Open alerts the user can see: loaded once, then kept by alert events. */
function useOpenAlertCount(enabled: boolean): number | null {
  const [open, setOpen] = useState<Set<string> | null>(null);
  useEffect(() => {
    if (!enabled) return;
    apiJson<AlertList>('/alerts?status=open&_count=500').then(
      (list) => setOpen(new Set(list.alerts.map((a) => a.id))),
      () => setOpen(null),
    );
  }, [enabled]);
  useTwinEvents((event) => {
    const alert = event.type === 'alert' ? (event.data['alert'] as AlertView | undefined) : undefined;
    if (alert === undefined) return;
    setOpen((prev) => {
      const next = new Set(prev ?? []);
      if (alert.status === 'open') next.add(alert.id);
      else next.delete(alert.id);
      return next;
    });
  });
  return open === null ? null : open.size;
}

function Routes({ session }: { session: Session }) {
  const perms = permissionsFor(session.role);
  const { path } = useLocation();
  const mainRef = useRef<HTMLElement>(null);

  useEffect(() => {
    if (path === '/') {
      const home = perms.ward
        ? '/ward'
        : session.patientId
          ? `/patients/${encodeURIComponent(session.patientId)}`
          : perms.trials
            ? '/trials'
            : null;
      if (home) navigate(home, { replace: true });
    }
  }, [path, perms.ward, perms.trials, session.patientId]);

  // Move focus to the new page's heading after navigation (not on first load).
  const first = useRef(true);
  const focusedPath = useRef(path);
  useEffect(() => {
    if (first.current || focusedPath.current === path) {
      first.current = false;
      return;
    }
    focusedPath.current = path;
    const heading = mainRef.current?.querySelector('h1');
    if (heading instanceof HTMLElement) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: false });
    }
  }, [path]);

  const page = routedPage(path, session, perms);
  return (
    <main id="main" ref={mainRef} tabIndex={-1}>
      {page}
    </main>
  );
}

function routedPage(path: string, session: Session, perms: ReturnType<typeof permissionsFor>): ReactElement {
  if (path === '/ward' && perms.ward) return <WardPage />;
  const whatIf = matchPath('/patients/:id/what-if', path);
  if (whatIf && perms.whatIf) return <WhatIfPage patientId={whatIf['id'] as string} />;
  const patient = matchPath('/patients/:id', path);
  if (patient && (perms.anyPatient || patient['id'] === session.patientId)) {
    return <PatientPage patientId={patient['id'] as string} canWhatIf={perms.whatIf} />;
  }
  if (path === '/alerts' && perms.alerts) return <AlertsPage canAct={perms.actOnAlerts} showPatientLinks={perms.anyPatient} />;
  if (path === '/trials' && perms.trials) return <TrialsPage />;
  const trial = matchPath('/trials/:id', path);
  if (trial && perms.trials) return <TrialPage trialId={trial['id'] as string} />;
  if (path === '/data' && perms.data) return <DataPage />;
  if (path === '/') return <NothingHere role={session.role} />;
  return <NotFound />;
}

function NotFound() {
  return (
    <section className="page">
      <h1>Page not found</h1>
      <p>
        There is nothing here, or your role cannot open it. <Link to="/">Go to the start page</Link>.
      </p>
    </section>
  );
}

function NothingHere({ role }: { role: string }) {
  return (
    <section className="page">
      <h1>Nothing to show</h1>
      <p>The {role} role has no pages in this app.</p>
    </section>
  );
}
