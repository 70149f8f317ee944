import { Schema, type Connection, type Model } from 'mongoose';

interface SettingRecord {
  _id: string;
  value: string;
}

const settingSchema = new Schema<SettingRecord>(
  { _id: { type: String, required: true }, value: { type: String, required: true } },
  { collection: 'settings', versionKey: false },
);

/** Small named values the system generates once and keeps (e.g. the token signing secret). */
export class SettingsRepository {
  private readonly settings: Model<SettingRecord>;
  constructor(connection: Connection) {
    this.settings =
      (connection.models.Setting as Model<SettingRecord>) ?? connection.model<SettingRecord>('Setting', settingSchema);
  }

  async get(key: string): Promise<string | null> {
    return (await this.settings.findById(key).lean<SettingRecord>().exec())?.value ?? null;
  }

  async set(key: string, value: string): Promise<void> {
    await this.settings.updateOne({ _id: key }, { $set: { value } }, { upsert: true }).exec();
  }

  /** Returns the stored value, storing `create()` first if there is none; the first writer wins. */
  async getOrCreate(key: string, create: () => string): Promise<string> {
    const found = await this.settings.findById(key).lean<SettingRecord>().exec();
    if (found) return found.value;
    try {
      await this.settings.create({ _id: key, value: create() });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    const stored = await this.settings.findById(key).lean<SettingRecord>().exec();
    if (!stored) throw new Error(`setting ${key} vanished`);
    return stored.value;
  }
}

export function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}
