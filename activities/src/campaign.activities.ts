import type { Client } from '@temporalio/client';
import type { Connection } from 'mongoose';
import type { CampaignActivities, CampaignTaskKind, NotificationActivities } from '@duban/contracts';
import {
  actorRef,
  campaignTasksDigest,
  checkTaskSpecs,
  reportTaskSpecs,
  spreadTaskSpecs,
  tasksPerUnit,
  type AssignmentSpec,
  type CampaignDefinition,
  type UnitKind,
} from '@duban/domain';
import { CampaignRepository, UnitRepository, type CampaignRecord } from '@duban/persistence';
import { createNotificationActivities } from './notifications.activities.js';
import { startAssignmentWorkflows } from './task-list.activities.js';
import { notificationAbout, tellUnits } from './unit-notifications.js';

export interface CampaignActivityDeps {
  readonly connection: Connection;
  readonly client: Client;
  readonly taskQueue: string;
  /** How units are told (the worker's notification activity, with its webhook settings); a plain one when absent. */
  readonly notify?: NotificationActivities['notify'];
}

/** How the units of a batch of campaign tasks are told what reached them. */
const BATCH_WORDING = (tasks: CampaignTaskKind) =>
  tasks.kind === 'checks'
    ? { key: 'checks', label: '排查任务' }
    : tasks.kind === 'reports'
      ? { key: 'reports', label: '报送任务' }
      : { key: `spread:${tasks.spreadId}`, label: '举一反三排查任务' };

/** Activities of the campaign workflow: its tasks are assignments, started the way a list starts its own. */
export function createCampaignActivities({ connection, client, taskQueue, notify }: CampaignActivityDeps): CampaignActivities {
  const campaigns = new CampaignRepository(connection);
  const units = new UnitRepository(connection);
  const notifier = { notify: notify ?? createNotificationActivities(connection).notify, client, taskQueue };

  async function load(campaignId: string): Promise<CampaignRecord> {
    const campaign = await campaigns.findById(campaignId);
    if (!campaign) throw new Error(`campaign ${campaignId} not found`);
    return campaign;
  }

  async function unitsByKind(): Promise<(kind: UnitKind) => string[]> {
    const all = await units.list();
    return (kind) => all.filter((u) => u.kind === kind).map((u) => u._id);
  }

  const definition = (record: CampaignRecord): CampaignDefinition => ({ ...record, id: record._id });

  /** A batch's tasks in their fixed order (batches of starts are slices of it). */
  async function specsOf(campaign: CampaignRecord, tasks: CampaignTaskKind): Promise<AssignmentSpec[]> {
    const ofKind = await unitsByKind();
    if (tasks.kind === 'checks') return checkTaskSpecs(definition(campaign), ofKind);
    if (tasks.kind === 'reports') return reportTaskSpecs(definition(campaign), ofKind);
    const spread = campaign.spreads.find((s) => s.id === tasks.spreadId);
    if (!spread) throw new Error(`spread ${tasks.spreadId} not recorded`);
    return spreadTaskSpecs(definition(campaign), spread.id, spread.text, ofKind(spread.unitKind), spread.dueDate);
  }

  return {
    async beginCampaign({ campaignId }) {
      const campaign = await load(campaignId);
      return campaign.phases.map((p) => ({ id: p.id, kind: p.kind, endDate: p.endDate }));
    },

    async startCampaignTasks({ campaignId, tasks, offset, limit, startedBy }) {
      const specs = await specsOf(await load(campaignId), tasks);
      await startAssignmentWorkflows({ client, taskQueue }, specs.slice(offset, offset + limit), startedBy);
      return specs.length;
    },

    async notifyCampaignUnits({ campaignId, tasks }) {
      const campaign = await load(campaignId);
      const subject = { kind: 'campaign', id: campaign._id } as const;
      const batch = BATCH_WORDING(tasks);
      const told = tasksPerUnit(await specsOf(campaign, tasks)).map((count) =>
        notificationAbout(campaignTasksDigest({ id: campaign._id, name: campaign.name }, batch, count), subject),
      );
      return tellUnits(notifier, told);
    },

    async recordSpread({ campaignId, spreadId, text, unitKind, dueDate, at, actor }) {
      await campaigns.addSpread(campaignId, { id: spreadId, text, unitKind, dueDate, at, by: actorRef(actor) });
    },

    async recordPhase({ campaignId, phaseIndex, at, by }) {
      const campaign = await load(campaignId);
      await campaigns.recordPhase(campaignId, { phaseIndex, at, by }, phaseIndex >= campaign.phases.length);
    },
  };
}
