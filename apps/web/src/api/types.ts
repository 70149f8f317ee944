import type { Category, Light, NoticeColour, RectificationAction, Role, Severity, Source, Status } from '@duban/domain';

export type { Category, Light, RectificationAction, Role, Severity, Source, Status };

export interface User {
  id: string;
  username: string;
  name: string;
  unitId: string;
  roles: Role[];
  mustChangePassword: boolean;
  totpEnabled: boolean;
}

export type Restriction = 'password_change' | 'totp_enrollment';

export interface LoginResult {
  accessToken: string;
  user: User;
  restrictions: Restriction[];
}

export interface Unit {
  id: string;
  name: string;
  kind: string;
  kindLabel: string;
  parentId: string | null;
}

export interface NoticeRow {
  colour: NoticeColour;
  label: string;
  number: string | null;
  issuedAt: string;
}

export interface InboxRow {
  id: string;
  title: string;
  leadUnitId: string;
  status: Status;
  statusLabel: string;
  dueAt: string;
  dueDate: string;
  light: Light | null;
  lightLabel: string | null;
  notices: NoticeRow[];
  escalationLevel: 0 | 1 | 2;
  extensionRequested: boolean;
}

export interface ActorRef {
  userId: string;
  name: string;
  unitId: string;
}

export interface EvidenceRef {
  id: string;
  filename: string;
  size: number;
  sha256: string;
}

export interface TimelineEntry {
  seq: number;
  at: string;
  action: string;
  actionLabel: string;
  actor: ActorRef | null;
  fromStatus: Status | null;
  toStatus: Status;
  note?: string | null;
  evidence?: EvidenceRef[];
}

export interface RectificationView {
  id: string;
  title: string;
  description: string;
  source: Source;
  sourceLabel: string;
  category: Category;
  categoryLabel: string;
  severity: Severity;
  severityLabel: string;
  status: Status;
  statusLabel: string;
  leadUnitId: string;
  coUnitIds: string[];
  verifierUnitId: string | null;
  dueAt: string;
  dueDate: string;
  light: Light | null;
  lightLabel: string | null;
  registeredAt: string;
  registeredBy: ActorRef;
  plan: { measures: string; targetDate: string; responsiblePerson: string } | null;
  extension: { reason: string; newDueDate: string } | null;
  deferral: { reason: string; reviewDate: string } | null;
  notices: (NoticeRow & { reason?: string })[];
  timeline: TimelineEntry[];
  urgeCount: number;
  allowedActions: RectificationAction[];
}

export interface Attachment {
  id: string;
  filename: string;
  size: number;
  contentType: string;
  sha256: string;
  uploadedAt: string;
  uploadedBy?: ActorRef;
}
