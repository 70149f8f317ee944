import { Schema, type Connection, type Model } from 'mongoose';
import type { NoticeColour } from '@duban/domain';
import { CounterSequences } from './counters.js';
import { isDuplicateKey } from './settings.js';

/** A three-colour supervision notice (蓝/黄/红督办单) as issued: the formal record behind the one in the item's state. */
export interface NoticeRecord {
  /** `<workflowId>:<notice key>` — one record per notice, however often the activity runs. */
  _id: string;
  number: string;
  colour: NoticeColour;
  itemId: string;
  itemTitle: string;
  unitId: string;
  reason: string;
  issuedAt: Date;
}

const noticeSchema = new Schema<NoticeRecord>(
  {
    _id: { type: String, required: true },
    number: { type: String, required: true },
    colour: { type: String, required: true },
    itemId: { type: String, required: true },
    itemTitle: { type: String, required: true },
    unitId: { type: String, required: true },
    reason: { type: String, required: true },
    issuedAt: { type: Date, required: true },
  },
  { collection: 'notices', versionKey: false },
);
// Serves: a unit's notices by date (evaluation: e.g. two yellow notices in a quarter), and the notice list of an item.
noticeSchema.index({ unitId: 1, issuedAt: 1 });
noticeSchema.index({ itemId: 1, issuedAt: 1 });
// Serves: no formal number twice. FerretDB v1's findAndModify is not atomic, so two processes' `$inc`s of a counter
// can answer the same seq; this index refuses the second notice, which then takes the next number.
noticeSchema.index({ number: 1 }, { unique: true });

const COLOUR_CHARACTERS: Record<NoticeColour, string> = { blue: '蓝', yellow: '黄', red: '红' };

/** Formal number as printed on the notice: 督办〔2026〕红字第3号. */
export const noticeNumber = (year: number, colour: NoticeColour, seq: number) => `督办〔${year}〕${COLOUR_CHARACTERS[colour]}字第${seq}号`;

export class NoticeRepository {
  private readonly notices: Model<NoticeRecord>;
  private readonly sequences: CounterSequences;

  constructor(connection: Connection) {
    this.notices = (connection.models.Notice as Model<NoticeRecord>) ?? connection.model<NoticeRecord>('Notice', noticeSchema);
    this.sequences = CounterSequences.of(connection);
  }

  /**
   * Records the notice under its key and returns its number; a second call with the same key returns
   * the first number. Numbers run per year (Asia/Shanghai) and colour.
   */
  async record(notice: Omit<NoticeRecord, 'number'>): Promise<string> {
    const year = Number(new Date(notice.issuedAt.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 4));
    for (let attempt = 0; ; attempt++) {
      const existing = await this.notices.findById(notice._id).lean<NoticeRecord>().exec();
      if (existing) return existing.number;
      const number = noticeNumber(year, notice.colour, await this.sequences.next(`notice:${year}:${notice.colour}`));
      try {
        await this.notices.create({ ...notice, number });
        return number;
      } catch (error) {
        // Either this notice was recorded meanwhile (its `_id`: answered above on the next turn) or the number
        // was taken by a concurrent counter read (`number`: the next turn takes a new one).
        if (!isDuplicateKey(error) || attempt >= 20) throw error;
      }
    }
  }

  listForItem(itemId: string): Promise<NoticeRecord[]> {
    return this.notices.find({ itemId }).sort({ issuedAt: 1 }).lean<NoticeRecord[]>().exec();
  }
}
