import type { Category } from '../rectification/vocabulary.js';

/** 暗访督导: planned (confidential) → visiting (findings recorded) → published (findings became items). */
export const INSPECTION_STATUSES = ['planned', 'visiting', 'published'] as const;
export type InspectionStatus = (typeof INSPECTION_STATUSES)[number];

export const INSPECTION_STATUS_LABELS: Record<InspectionStatus, string> = {
  planned: '已计划（保密）',
  visiting: '暗访中',
  published: '已通报',
};

export type InspectionStep = 'addFinding' | 'publish';

/** Whether a step is allowed in a status; the reason (in Chinese) when not. */
export function inspectionStepAllowed(status: InspectionStatus, step: InspectionStep, findings: number): { ok: true } | { ok: false; reason: string } {
  if (status === 'published') return { ok: false, reason: '暗访已通报，不能再修改' };
  if (step === 'publish' && findings === 0) return { ok: false, reason: '尚无暗访发现问题，不能通报' };
  return { ok: true };
}

/** The status after a step. */
export function nextInspectionStatus(status: InspectionStatus, step: InspectionStep): InspectionStatus {
  return step === 'publish' ? 'published' : status === 'planned' ? 'visiting' : status;
}

/** One thing found on site; becomes a rectification item (source 暗访) when the inspection is published. */
export interface Finding {
  readonly id: string;
  readonly place: string;
  readonly category: Category;
  readonly description: string;
  readonly responsibleUnitId: string;
  readonly suggestedDueDate: string;
  readonly evidence: readonly FindingEvidence[];
  readonly recordedAt: string;
  readonly recordedBy: string;
}

export interface FindingEvidence {
  readonly attachmentId: string;
  readonly name: string;
  readonly sha256: string;
  readonly size: number;
  /** When the photo was taken, as the inspector's device reported it (not trusted, kept as given). */
  readonly capturedAt: string;
  /** When the server received it. */
  readonly uploadedAt: string;
}

export type LookBackOutcome = 'pending' | 'passed' | 'failed';
