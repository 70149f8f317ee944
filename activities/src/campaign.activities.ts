import type { Client } from '@temporalio/client';
import type { Connection } from 'mongoose';
import type { CampaignActivities } from '@duban/contracts';
import { actorRef, checkTaskSpecs, reportTaskSpecs, spreadTaskSpecs, type AssignmentSpec, type CampaignDefinition, type UnitKind } from '@duban/domain';
import { CampaignRepository, UnitRepository, type CampaignRecord } from '@duban/persistence';
import { startAssignmentWorkflows } from './task-list.activities.js';

/** Activities of the campaign workflow: its tasks are assignments, started the way a list starts its own. */
export function createCampaignActivities({ connection, client, taskQueue }: { connection: Connection; client: Client; taskQueue: string }): CampaignActivities {
  const campaigns = new CampaignRepository(connection);
  const units = new UnitRepository(connection);

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

  return {
    async beginCampaign({ campaignId }) {
      const campaign = await load(campaignId);
      return campaign.phases.map((p) => ({ id: p.id, kind: p.kind, endDate: p.endDate }));
    },

    async startCampaignTasks({ campaignId, tasks, offset, limit, startedBy }) {
      const campaign = await load(campaignId);
      const ofKind = await unitsByKind();
      let specs: AssignmentSpec[];
      if (tasks.kind === 'checks') specs = checkTaskSpecs(definition(campaign), ofKind);
      else if (tasks.kind === 'reports') specs = reportTaskSpecs(definition(campaign), ofKind);
      else {
        const spread = campaign.spreads.find((s) => s.id === tasks.spreadId);
        if (!spread) throw new Error(`spread ${tasks.spreadId} not recorded`);
        specs = spreadTaskSpecs(definition(campaign), spread.id, spread.text, ofKind(spread.unitKind), spread.dueDate);
      }
      await startAssignmentWorkflows({ client, taskQueue }, specs.slice(offset, offset + limit), startedBy);
      return specs.length;
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
