import { lazy, Suspense, useEffect } from 'react';
import {
  BrowserRouter,
  Link,
  Navigate,
  Outlet,
  Route,
  Routes,
  useLocation,
  useNavigate,
} from 'react-router';
import { appApi } from './api/ApiContext';
import { openClinicLink } from './api/socket';
import { useAuth } from './store/auth';
import { useClinic } from './store/clinic';
import { useConnection } from './store/connection';
import { appClock, useNow } from './time/useNow';
import { ConnectionBanner } from './features/shell/ConnectionBanner';
import { Header } from './features/shell/Header';
import { NavLinks } from './features/shell/NavLinks';
import { AlarmBanner } from './features/alarms/AlarmBanner';
import { chairAlarmMarkers } from './features/alarms/chartMarkers';
import { AlarmSound } from './audio/AlarmSound';
import { ScreenErrorBoundary } from './features/shell/ScreenErrorBoundary';
import { LoginScreen } from './features/login/LoginScreen';
import { OverviewScreen } from './features/overview/OverviewScreen';

// The detail route carries recharts: kept out of the first download, and fetched once the
// overview is idle (see PrefetchChairDetail) so a tap on a tile does not wait for it.
const loadChairDetail = () => import('./features/chair-detail/ChairDetailScreen');
const ChairDetailScreen = lazy(loadChairDetail);
// Review screens (history, per-session report) are for the charge nurse's desk: loaded on demand.
const HistoryScreen = lazy(() => import('./features/history/HistoryScreen'));
const ReportScreen = lazy(() => import('./features/report/ReportScreen'));
// Administration is rare and for one role: never in the nurses' first download.
const AdminScreen = lazy(() => import('./features/admin/AdminScreen'));
// The audit trail is for the charge nurse's desk and the admin: loaded on demand.
const AuditScreen = lazy(() => import('./features/audit/AuditScreen'));
// The trainer console is for drills, never needed at the bedside: loaded on demand.
const TrainerScreen = lazy(() => import('./features/trainer/TrainerScreen'));

function LoginRoute() {
  const token = useAuth((s) => s.token);
  const signIn = useAuth((s) => s.signIn);
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? '/';
  if (token !== null) return <Navigate to={from} replace />;
  return (
    <LoginScreen
      onSignedIn={(t, user) => {
        signIn(t, user);
        void navigate(from, { replace: true });
      }}
    />
  );
}

function Shell() {
  const now = useNow();
  const status = useConnection((s) => s.status);
  const since = useConnection((s) => s.since);
  const user = useAuth((s) => s.user);
  const logout = useAuth((s) => s.logout);
  if (user === null) return null;
  return (
    // data-connection lets a browser test wait for "live" (subscribed), not just "not lost".
    <div className={`app app-${status}`} data-connection={status}>
      <a className="skip-link" href="#content">
        Skip to chairs
      </a>
      <ConnectionBanner status={status} since={since} />
      <Header user={user} now={now} onLogout={logout}>
        <NavLinks role={user.role} />
      </Header>
      <AlarmBanner now={now} role={user.role} controls={<AlarmSound />} />
      <div id="content" tabIndex={-1}>
        <Outlet />
      </div>
    </div>
  );
}

/** Signed-in part of the app: holds the live link open for as long as the token lasts. */
function RequireSignIn() {
  const token = useAuth((s) => s.token);
  const location = useLocation();

  useEffect(() => {
    if (token === null) return;
    const close = openClinicLink({
      token,
      api: appApi,
      clock: appClock,
      onUnauthorized: () => {
        useAuth.getState().logout();
      },
    });
    return () => {
      close();
      // Another user must not see what the previous one had on screen.
      useClinic.getState().clear();
    };
  }, [token]);

  if (token === null) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  return <Shell />;
}

/** How long the overview may stay busy before the chair detail is fetched anyway. */
const PREFETCH_IDLE_TIMEOUT_MS = 2000;
/** Where requestIdleCallback is missing (Safari): a short wait after the first paint. */
const PREFETCH_FALLBACK_DELAY_MS = 300;

/**
 * Loads and compiles the chair-detail chunk (recharts, ~330 ms) while the overview is idle, so
 * opening a chair does not wait for it. Starts after the first paint (a frame, then a task), so
 * the first screen is drawn first; the import is the same one React.lazy uses, so it runs once.
 */
function PrefetchChairDetail() {
  useEffect(() => {
    let idleId: number | undefined;
    let timerId: ReturnType<typeof setTimeout> | undefined;
    const prefetch = () => {
      // Nothing to do on failure here: opening a chair imports it again and shows the error.
      loadChairDetail().catch(() => undefined);
    };
    const frameId = requestAnimationFrame(() => {
      timerId = setTimeout(() => {
        if (typeof window.requestIdleCallback === 'function') {
          idleId = window.requestIdleCallback(prefetch, { timeout: PREFETCH_IDLE_TIMEOUT_MS });
        } else {
          timerId = setTimeout(prefetch, PREFETCH_FALLBACK_DELAY_MS);
        }
      }, 0);
    });
    return () => {
      cancelAnimationFrame(frameId);
      if (timerId !== undefined) clearTimeout(timerId);
      if (idleId !== undefined) window.cancelIdleCallback(idleId);
    };
  }, []);
  return null;
}

function OverviewRoute() {
  return (
    <>
      <OverviewScreen />
      <PrefetchChairDetail />
    </>
  );
}

function NotFound() {
  return (
    <main className="not-found">
      <h1>Nothing here</h1>
      <Link to="/">Back to the chairs</Link>
    </main>
  );
}

export function App() {
  return (
    <BrowserRouter>
      <Routes>
        <Route path="/login" element={<LoginRoute />} />
        <Route element={<RequireSignIn />}>
          <Route index element={<OverviewRoute />} />
          <Route
            path="/chairs/:chairId"
            element={
              <ScreenErrorBoundary>
                <Suspense fallback={<p className="loading-note">Loading the chair…</p>}>
                  <ChairDetailScreen alarmMarkersFor={chairAlarmMarkers} />
                </Suspense>
              </ScreenErrorBoundary>
            }
          />
          <Route
            path="/history"
            element={
              <ScreenErrorBoundary>
                <Suspense fallback={<p className="loading-note">Loading the alarm history…</p>}>
                  <HistoryScreen />
                </Suspense>
              </ScreenErrorBoundary>
            }
          />
          <Route
            path="/sessions/:sessionId/report"
            element={
              <ScreenErrorBoundary>
                <Suspense fallback={<p className="loading-note">Loading the session report…</p>}>
                  <ReportScreen />
                </Suspense>
              </ScreenErrorBoundary>
            }
          />
          <Route
            path="/admin"
            element={
              <ScreenErrorBoundary>
                <Suspense fallback={<p className="loading-note">Loading administration…</p>}>
                  <AdminScreen />
                </Suspense>
              </ScreenErrorBoundary>
            }
          />
          <Route
            path="/audit"
            element={
              <ScreenErrorBoundary>
                <Suspense fallback={<p className="loading-note">Loading the audit trail…</p>}>
                  <AuditScreen />
                </Suspense>
              </ScreenErrorBoundary>
            }
          />
          <Route
            path="/trainer"
            element={
              <ScreenErrorBoundary>
                <Suspense fallback={<p className="loading-note">Loading the trainer console…</p>}>
                  <TrainerScreen />
                </Suspense>
              </ScreenErrorBoundary>
            }
          />
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </BrowserRouter>
  );
}
