import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor, PhaseKind, UnitKind } from '@duban/domain';

export const CAMPAIGN_WORKFLOW = 'campaignWorkflow';
export const campaignWorkflowId = (campaignId: string) => `campaign:${campaignId}`;

export interface CampaignWorkflowInput {
  readonly campaignId: string;
  readonly startedBy: Actor;
  /** Tasks started per activity call (default 200). */
  readonly batchSize?: number;
}

/** Where a running campaign stands. */
export interface CampaignRun {
  readonly phaseIndex: number;
  readonly finished: boolean;
  /** Set when the office asks to move to the next phase before its date. */
  readonly advanceRequestedBy: Actor | null;
}

export const advanceCampaignPhaseUpdate = defineUpdate<CampaignRun, [{ readonly actor: Actor }]>('advancePhase');

export interface SpreadRequest {
  readonly actor: Actor;
  /** Id of this 举一反三 check, unique within the campaign. */
  readonly spreadId: string;
  readonly text: string;
  readonly unitKind: UnitKind;
  /** YYYY-MM-DD by which each unit answers. */
  readonly dueDate: string;
}

/** 举一反三: issues the same check to every unit of a kind; answers with how many check tasks were started. */
export const spreadCheckUpdate = defineUpdate<number, [SpreadRequest]>('spreadCheck');
export const campaignRunQuery = defineQuery<CampaignRun>('run');

export type CampaignTaskKind = { readonly kind: 'checks' } | { readonly kind: 'reports' } | { readonly kind: 'spread'; readonly spreadId: string };

export interface CampaignActivities {
  /** Marks the campaign running and returns its phases (frozen at start). */
  beginCampaign(input: { readonly campaignId: string; readonly at: string }): Promise<readonly { readonly id: string; readonly kind: PhaseKind; readonly endDate: string }[]>;
  /** Starts the campaign's tasks of a kind at [offset, offset + limit) of their fixed order; returns how many there are in all. */
  startCampaignTasks(input: { readonly campaignId: string; readonly tasks: CampaignTaskKind; readonly offset: number; readonly limit: number; readonly startedBy: Actor }): Promise<number>;
  /** Tells each unit a batch of the campaign's tasks reaches, once per batch (idempotent); returns how many units were told. */
  notifyCampaignUnits(input: { readonly campaignId: string; readonly tasks: CampaignTaskKind }): Promise<number>;
  /** Records a 举一反三 check on the campaign (idempotent by its id) before its tasks start. */
  recordSpread(input: SpreadRequest & { readonly campaignId: string; readonly at: string }): Promise<void>;
  /** Records that a phase began (or, with index = phases.length, that the campaign finished), by date or by the office. */
  recordPhase(input: { readonly campaignId: string; readonly phaseIndex: number; readonly at: string; readonly by: 'date' | 'office' | 'start' }): Promise<void>;
}
