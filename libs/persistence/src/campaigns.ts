import { Schema, type Connection, type Model } from 'mongoose';
import type { ActorRef, CampaignDefinition, UnitKind } from '@duban/domain';

export type CampaignStatus = 'draft' | 'running' | 'finished';

/** A special campaign: its definition, and what its process has recorded (phases begun, 举一反三 checks issued). */
export interface CampaignRecord extends Omit<CampaignDefinition, 'id'> {
  _id: string;
  status: CampaignStatus;
  /** Index into `phases` of the phase under way; phases.length once finished. */
  phaseIndex: number;
  phaseLog: { phaseIndex: number; at: string; by: 'start' | 'date' | 'office' }[];
  spreads: { id: string; text: string; unitKind: UnitKind; dueDate: string; at: string; by: ActorRef }[];
  createdAt: string;
  createdBy: ActorRef;
}

const campaignSchema = new Schema<CampaignRecord>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    status: { type: String, required: true },
    phaseLog: { type: Schema.Types.Mixed, default: [] },
    spreads: { type: Schema.Types.Mixed, default: [] },
  },
  { collection: 'campaigns', versionKey: false, strict: false },
);
campaignSchema.index({ createdAt: -1 });

export function campaignModel(connection: Connection): Model<CampaignRecord> {
  return (connection.models.Campaign as Model<CampaignRecord>) ?? connection.model<CampaignRecord>('Campaign', campaignSchema);
}

export class CampaignRepository {
  private readonly campaigns: Model<CampaignRecord>;
  constructor(connection: Connection) {
    this.campaigns = campaignModel(connection);
  }

  async insert(record: CampaignRecord): Promise<void> {
    await this.campaigns.create(record);
  }

  findById(id: string): Promise<CampaignRecord | null> {
    return this.campaigns.findById(id).lean<CampaignRecord>().exec();
  }

  list(limit: number): Promise<CampaignRecord[]> {
    return this.campaigns.find().sort({ createdAt: -1 }).limit(limit).lean<CampaignRecord[]>().exec();
  }

  /** Moves a draft to running; null when it is not a draft (a campaign starts once). */
  markRunning(id: string): Promise<CampaignRecord | null> {
    return this.campaigns.findOneAndUpdate({ _id: id, status: 'draft' }, { $set: { status: 'running' } }, { returnDocument: 'after' }).lean<CampaignRecord>().exec();
  }

  async recordPhase(id: string, entry: CampaignRecord['phaseLog'][number], finished: boolean): Promise<void> {
    const current = await this.findById(id);
    if (!current || current.phaseLog.some((e) => e.phaseIndex === entry.phaseIndex)) return;
    await this.campaigns
      .updateOne({ _id: id }, { $push: { phaseLog: entry }, $set: { phaseIndex: entry.phaseIndex, ...(finished ? { status: 'finished' } : {}) } })
      .exec();
  }

  async addSpread(id: string, spread: CampaignRecord['spreads'][number]): Promise<void> {
    const current = await this.findById(id);
    if (!current || current.spreads.some((s) => s.id === spread.id)) return;
    await this.campaigns.updateOne({ _id: id }, { $push: { spreads: spread } }).exec();
  }
}
