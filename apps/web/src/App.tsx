import { Spin } from 'antd';
import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import { hasRole, useSession } from './auth/session';
import { AppLayout } from './layout/AppLayout';
import { InboxPage } from './pages/InboxPage';
import { ItemPage } from './pages/ItemPage';
import { LoginPage } from './pages/LoginPage';
import { RestrictionsPage } from './pages/RestrictionsPage';

// Pages past the inbox load on first use: the dashboard's ECharts alone is a large part of the bundle.
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
const AssignmentPage = lazy(() => import('./pages/AssignmentPage').then((m) => ({ default: m.AssignmentPage })));

export function App() {
  const { user, restrictions } = useSession();
  if (user === undefined)
    return (
      <div className="centered-page">
        <Spin description="加载中…" />
      </div>
    );
  if (user === null) return <LoginPage />;
  if (restrictions.length > 0) return <RestrictionsPage />;
  const business = hasRole(user, 'office', 'leader', 'unit', 'unit_leader');
  const home = hasRole(user, 'sysadmin') ? '/users' : hasRole(user, 'inspector') && !business ? '/inspections' : '/inbox';
  return (
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
          <Route path="*" element={<Navigate to={home} replace />} />
        </Routes>
      </Suspense>
    </AppLayout>
  );
}
