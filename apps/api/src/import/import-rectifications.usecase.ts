import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { createHash, randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import {
  DEFAULT_MAPPING,
  IMPORT_FIELDS,
  endOfShanghaiDay,
  rowFingerprint,
  shanghaiDate,
  uuidFromDigest,
  validateRow,
  type Actor,
  type CellValue,
  type ColumnMapping,
  type ImportField,
  type ImportedRow,
  type RowError,
  type Source,
} from '@duban/domain';
import { ReportReadModel, SettingsRepository, UnitRepository } from '@duban/persistence';
import { ApiError } from '../common/api-error.js';
import { CLOCK, DATABASE, type Clock } from '../infrastructure/tokens.js';
import { RegisterRectification } from '../rectification/usecases/register-rectification.usecase.js';
import { readSheet } from './read-sheet.js';

export interface PreviewRow extends ImportedRow {
  /** The item id the row will get (from its fingerprint). */
  id: string;
  /** Already imported (in the read model): the import skips it. */
  exists: boolean;
  /** The deadline has passed: the item is allowed and starts red. */
  pastDue: boolean;
}

export interface ImportPreview {
  mapping: ColumnMapping;
  rows: number;
  valid: number;
  errors: RowError[];
  items: PreviewRow[];
}

export interface ImportResult {
  rows: number;
  created: number;
  existing: number;
  items: { row: number; id: string; created: boolean }[];
}

/**
 * A random value generated once per deployment and hashed before every fingerprint: the same list always gets the
 * same ids in one system, while two systems (e.g. two counties on one Temporal namespace) never share a workflow id.
 */
const SALT_KEY = 'import.fingerprintSalt';
const mappingKey = (source: Source | 'default') => `import.mapping.${source}`;
/** How many workflows an import starts at once. */
const CONCURRENCY = 8;

/**
 * 导入问题清单. All or none without transactions: every row is validated before anything starts, and a file
 * with one bad row starts nothing. Each row's item id is derived from its normalized content (sha-256 → uuid), and
 * each start is update-with-start with a FAIL id-conflict policy, so an item can only ever be created once: a
 * re-import finds every id present and creates nothing, and an import cut off half-way completes on retry without
 * duplicates (the rows already started are found, in the read model or as a running workflow, and skipped).
 */
@Injectable()
export class ImportRectifications {
  private readonly units: UnitRepository;
  private readonly settings: SettingsRepository;
  private readonly items: ReportReadModel;

  constructor(
    @Inject(DATABASE) database: Connection,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RegisterRectification) private readonly register: RegisterRectification,
  ) {
    this.units = new UnitRepository(database);
    this.settings = new SettingsRepository(database);
    this.items = new ReportReadModel(database);
  }

  async mapping(source: Source | 'default'): Promise<ColumnMapping> {
    const stored = (await this.settings.get(mappingKey(source))) ?? (source !== 'default' ? await this.settings.get(mappingKey('default')) : null);
    return stored ? (JSON.parse(stored) as ColumnMapping) : { ...DEFAULT_MAPPING };
  }

  async setMapping(source: Source | 'default', mapping: ColumnMapping): Promise<ColumnMapping> {
    const clean: ColumnMapping = {};
    for (const field of IMPORT_FIELDS) if (mapping[field]) clean[field] = mapping[field];
    await this.settings.set(mappingKey(source), JSON.stringify(clean));
    return clean;
  }

  async preview(content: Buffer, source: Source | undefined): Promise<ImportPreview> {
    const mapping = await this.mapping(source ?? 'default');
    const sheet = await readSheet(content);
    const errors: RowError[] = [];
    for (const field of ['description', 'category', 'leadUnit', 'dueDate'] as const) {
      const column = mapping[field];
      if (!column || !sheet.headers.includes(column)) errors.push({ row: 1, column: column ?? field, message: `缺少必填列“${column ?? field}”` });
    }
    if (!source && (!mapping.source || !sheet.headers.includes(mapping.source))) {
      errors.push({ row: 1, column: mapping.source ?? 'source', message: '清单没有“问题来源”列，请指定问题来源' });
    }
    const units = await this.units.list();
    const context = {
      units: units.map((u) => ({ id: u._id, name: u.name })),
      notAssignable: new Set(units.filter((u) => u.kind === 'county' || u.kind === 'office').map((u) => u._id)),
      ...(source ? { defaultSource: source } : {}),
      today: shanghaiDate(this.clock.now()),
    };
    const salt = await this.settings.getOrCreate(SALT_KEY, () => randomUUID());
    const valid: (ImportedRow & { id: string })[] = [];
    const seen = new Map<string, number>();
    if (errors.length === 0) {
      for (const { row, cells } of sheet.rows) {
        const byField: Partial<Record<ImportField, CellValue>> = {};
        for (const field of IMPORT_FIELDS) {
          const column = mapping[field];
          if (column) byField[field] = cells.get(column) ?? null;
        }
        const checked = validateRow(row, byField, mapping, context);
        errors.push(...checked.errors);
        if (!checked.value) continue;
        const id = uuidFromDigest(createHash('sha256').update(salt).update(rowFingerprint(checked.value)).digest('hex'));
        const first = seen.get(id);
        if (first !== undefined) {
          errors.push({ row, column: mapping.description ?? '问题描述', message: `与第 ${first} 行重复` });
          continue;
        }
        seen.set(id, row);
        valid.push({ ...checked.value, id });
      }
      if (sheet.rows.length === 0) errors.push({ row: 2, column: mapping.description ?? '问题描述', message: '清单没有数据行' });
    }
    const existing = await this.items.existing(valid.map((v) => v.id));
    const today = context.today;
    return {
      mapping,
      rows: sheet.rows.length,
      valid: valid.length,
      errors,
      items: valid.map((v) => ({ ...v, exists: existing.has(v.id), pastDue: v.dueDate < today })),
    };
  }

  async execute(content: Buffer, source: Source | undefined, actor: Actor): Promise<ImportResult> {
    const preview = await this.preview(content, source);
    if (preview.errors.length > 0) {
      throw new ApiError(HttpStatus.BAD_REQUEST, 'invalid_input', `清单有 ${preview.errors.length} 处错误，未导入任何问题`, {
        fields: [{ field: 'file', problems: preview.errors.map((e) => `第 ${e.row} 行「${e.column}」：${e.message}`) }],
        rows: preview.errors,
      });
    }
    const results: ImportResult['items'] = [];
    const queue = preview.items.filter((item) => !item.exists);
    for (const item of preview.items) if (item.exists) results.push({ row: item.row, id: item.id, created: false });
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) results.push({ row: next.row, id: next.id, created: await this.start(next, actor) });
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    results.sort((a, b) => a.row - b.row);
    const created = results.filter((r) => r.created).length;
    return { rows: preview.rows, created, existing: results.length - created, items: results };
  }

  /** True when this call created the item; false when an earlier (maybe interrupted) import had started it. */
  private async start(row: PreviewRow, actor: Actor): Promise<boolean> {
    try {
      await this.register.start(
        {
          id: row.id,
          title: row.title,
          description: row.description,
          source: row.source,
          category: row.category,
          severity: row.severity,
          leadUnitId: row.leadUnitId,
          coUnitIds: row.coUnitIds,
          dueAt: endOfShanghaiDay(row.dueDate),
          verifierUnitId: null,
        },
        actor,
      );
      return true;
    } catch (error) {
      if (isAlreadyStarted(error)) return false;
      throw error;
    }
  }
}

function isAlreadyStarted(error: unknown): boolean {
  if (error instanceof WorkflowExecutionAlreadyStartedError) return true;
  return error instanceof ApiError && error.code === 'conflict';
}
