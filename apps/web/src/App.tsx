import { Spin } from 'antd';
import { lazy, Suspense, useEffect } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import { hasRole, useSession } from './auth/session';
import { LoginPage } from './pages/LoginPage';

// Every page but the login page loads on first use: the login page comes first on a slow link with nothing else
// (the dashboard's ECharts alone is a large part of the bundle); the workbench's layout and inbox follow the login.
const loadLayout = () => import('./layout/AppLayout');
const loadInbox = () => import('./pages/InboxPage');
const AppLayout = lazy(() => loadLayout().then((m) => ({ default: m.AppLayout })));
const InboxPage = lazy(() => loadInbox().then((m) => ({ default: m.InboxPage })));
const ItemPage = lazy(() => import('./pages/ItemPage').then((m) => ({ default: m.ItemPage })));
const RestrictionsPage = lazy(() => import('./pages/RestrictionsPage').then((m) => ({ default: m.RestrictionsPage })));
const DashboardPage = lazy(() => import('./pages/DashboardPage').then((m) => ({ default: m.DashboardPage })));
const EscalationsPage = lazy(() => import('./pages/EscalationsPage').then((m) => ({ default: m.EscalationsPage })));
const ImportPage = lazy(() => import('./pages/ImportPage').then((m) => ({ default: m.ImportPage })));
const InspectionDetailPage = lazy(() => import('./pages/InspectionDetailPage').then((m) => ({ default: m.InspectionDetailPage })));
const InspectionsPage = lazy(() => import('./pages/InspectionsPage').then((m) => ({ default: m.InspectionsPage })));
const LookBacksPage = lazy(() => import('./pages/LookBacksPage').then((m) => ({ default: m.LookBacksPage })));
const RegisterPage = lazy(() => import('./pages/RegisterPage').then((m) => ({ default: m.RegisterPage })));
const TaskListsPage = lazy(() => import('./pages/TaskListsPage').then((m) => ({ default: m.TaskListsPage })));
const ExportsPage = lazy(() => import('./pages/ExportsPage').then((m) => ({ default: m.ExportsPage })));
const CampaignsPage = lazy(() => import('./pages/CampaignsPage').then((m) => ({ default: m.CampaignsPage })));
const SettingsPage = lazy(() => import('./pages/SettingsPage').then((m) => ({ default: m.SettingsPage })));
const UsersPage = lazy(() => import('./pages/admin/UsersPage').then((m) => ({ default: m.UsersPage })));
const UnitsPage = lazy(() => import('./pages/admin/UnitsPage').then((m) => ({ default: m.UnitsPage })));
const AuditLogPage = lazy(() => import('./pages/AuditLogPage').then((m) => ({ default: m.AuditLogPage })));
const AccountPage = lazy(() => import('./pages/AccountPage').then((m) => ({ default: m.AccountPage })));
const AssignmentPage = lazy(() => import('./pages/AssignmentPage').then((m) => ({ default: m.AssignmentPage })));

const loading = (
  <div className="centered-page">
    <Spin description="加载中…" />
  </div>
);

export function App() {
  const { user, restrictions } = useSession();
  // While the user types their password, the workbench's code comes over the link: after 登录 only its data does.
  useEffect(() => {
    if (user === null) void Promise.all([loadLayout(), loadInbox()]).catch(() => undefined);
  }, [user]);
  if (user === undefined) return loading;
  if (user === null) return <LoginPage />;
  if (restrictions.length > 0)
    return (
      <Suspense fallback={loading}>
        <RestrictionsPage />
      </Suspense>
    );
  const business = hasRole(user, 'office', 'leader', 'unit', 'unit_leader');
  const home = hasRole(user, 'sysadmin') ? '/users' : hasRole(user, 'auditor') ? '/audit' : hasRole(user, 'inspector') && !business ? '/inspections' : '/inbox';
  return (
    <Suspense fallback={loading}>
      <AppLayout>
        <Suspense fallback={<Spin />}>
          <Routes>
            <Route path="/" element={<Navigate to={home} replace />} />
            <Route path="/inbox" element={<InboxPage />} />
            <Route path="/items/new" element={<RegisterPage />} />
            <Route path="/items/:id" element={<ItemPage />} />
            <Route path="/imports" element={<ImportPage />} />
            <Route path="/escalations" element={<EscalationsPage />} />
            <Route path="/dashboard" element={<DashboardPage />} />
            <Route path="/exports" element={<ExportsPage />} />
            <Route path="/task-lists" element={<TaskListsPage />} />
            <Route path="/campaigns" element={<CampaignsPage />} />
            <Route path="/assignments/:id" element={<AssignmentPage />} />
            <Route path="/inspections" element={<InspectionsPage />} />
            <Route path="/inspections/:id" element={<InspectionDetailPage />} />
            <Route path="/lookbacks" element={<LookBacksPage />} />
            <Route path="/settings" element={<SettingsPage />} />
            <Route path="/users" element={<UsersPage />} />
            <Route path="/units" element={<UnitsPage />} />
            <Route path="/audit" element={<AuditLogPage />} />
            <Route path="/account" element={<AccountPage />} />
            <Route path="*" element={<Navigate to={home} replace />} />
          </Routes>
        </Suspense>
      </AppLayout>
    </Suspense>
  );
}
