import { createHash, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '@duban/domain';
import { ATTACHMENT_BUCKET, ATTACHMENT_CHUNK_BYTES, ATTACHMENT_DIGESTS, AttachmentRepository } from '@duban/persistence';
import { PASSWORD, testCounty } from './support/org-fixture.js';
import { startStack, type ApiClient, type Stack } from './support/stack.js';

const MiB = 1024 * 1024;

let stack: Stack;
/** Bearer tokens by username, for the multipart and binary calls the JSON ApiClient does not make. */
const tokens: Record<string, string> = {};
let office: ApiClient;
/** Lead unit water, co-unit town-a. */
let itemId: string;
/** Lead unit village-a1: water and town-a's neighbours have nothing to do with it. */
let otherItemId: string;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

// ---------- small valid files, built here ----------

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A 1×1 RGB PNG of the given colour, with correct chunk CRCs. */
function png(rgb: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typed));
    return Buffer.concat([length, typed, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0); // width
  header.writeUInt32BE(1, 4); // height
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no filter, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.from([0, ...rgb]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A one-page PDF with a correct cross-reference table. */
function pdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(body));
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body);
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

// ---------- HTTP helpers ----------

async function login(username: string): Promise<string> {
  const response = await stack.api.post('/api/auth/login', { username, password: PASSWORD });
  if (response.status !== 200) throw new Error(`login ${username}: ${response.status}`);
  return response.body.accessToken as string;
}

interface Upload {
  bytes: Uint8Array;
  filename: string;
  /** The type the client declares; the server ignores it. */
  type?: string;
  field?: string;
}

async function upload(username: string, item: string, file: Upload | null): Promise<{ status: number; body: any }> {
  const form = new FormData();
  if (file) form.append(file.field ?? 'file', new Blob([file.bytes], { type: file.type ?? 'application/octet-stream' }), file.filename);
  else form.append('note', '没有文件');
  const response = await fetch(`${stack.baseUrl}/api/rectifications/${item}/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens[username]}` },
    body: form,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

function list(username: string, item: string) {
  return stack.api.as(tokens[username]!).get(`/api/rectifications/${item}/attachments`);
}

function download(username: string, item: string, attachmentId: string): Promise<Response> {
  return fetch(`${stack.baseUrl}/api/rectifications/${item}/attachments/${attachmentId}`, {
    headers: { authorization: `Bearer ${tokens[username]}` },
  });
}

/** The name a download offers, from its RFC 5987 `filename*`. */
function offeredName(disposition: string | null): string | undefined {
  const encoded = disposition?.match(/filename\*=UTF-8''([^;]+)/)?.[1];
  return encoded === undefined ? undefined : decodeURIComponent(encoded);
}

/** What is stored: metadata rows, distinct contents, GridFS files and chunks. */
async function storage() {
  const count = (name: string) => stack.database.collection(name).countDocuments();
  return {
    rows: await count('attachments'),
    digests: await count(ATTACHMENT_DIGESTS),
    files: await count(`${ATTACHMENT_BUCKET}.files`),
    chunks: await count(`${ATTACHMENT_BUCKET}.chunks`),
  };
}

async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const inDays = (days: number) => shanghaiDate(new Date(Date.now() + days * 86_400_000));

async function register(leadUnitId: string, coUnitIds: string[]): Promise<string> {
  const created = await office.post('/api/rectifications', {
    title: '部分脱贫户饮水安全保障不到位',
    description: '省考核发现：两户脱贫户季节性缺水，未落实应急供水措施。',
    source: 'provincial_assessment',
    category: 'drinking_water',
    severity: 'major',
    leadUnitId,
    coUnitIds,
    dueDate: inDays(30),
  });
  if (created.status !== 201) throw new Error(`register: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body.id as string;
}

beforeAll(async () => {
  stack = await startStack(testCounty);
  for (const username of ['office', 'leader', 'water', 'health', 'town-a', 'village-a1', 'village-a2', 'inspector']) {
    tokens[username] = await login(username);
  }
  office = stack.api.as(tokens.office!);
  [itemId, otherItemId] = await Promise.all([register('water', ['town-a']), register('village-a1', [])]);
});

afterAll(async () => {
  await stack?.close();
});

const photo = png([0, 128, 255]);
const report = pdf();
const photoName = '整改前后对比照片（甲镇·第1批）.png';
const reportName = '关于饮水安全问题整改情况的报告.pdf';
const uploaded: { photo?: any; report?: any } = {};

describe('evidence attachments of an item', () => {
  it('lets the lead unit upload a PNG and a PDF with Chinese names, answering hash, size and type', async () => {
    const first = await upload('water', itemId, { bytes: photo, filename: photoName, type: 'image/png' });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      itemId,
      filename: photoName,
      contentType: 'image/png',
      size: photo.length,
      sha256: sha256(photo),
      uploadedBy: { userId: expect.any(String), name: '水利局张科长', unitId: 'water' },
      uploadedAt: expect.any(String),
    });

    // The declared type is ignored: the bytes say PDF.
    const second = await upload('water', itemId, { bytes: report, filename: reportName, type: 'application/octet-stream' });
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ filename: reportName, contentType: 'application/pdf', size: report.length, sha256: sha256(report) });
    uploaded.photo = first.body;
    uploaded.report = second.body;
  });

  it('lists both, in upload order, for everyone who may see the item', async () => {
    for (const username of ['water', 'town-a', 'office', 'leader']) {
      const response = await list(username, itemId);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ items: [uploaded.photo, uploaded.report] });
    }
  });

  it('downloads the identical bytes with type, length, the Chinese name and nosniff', async () => {
    for (const [view, bytes, name, type] of [
      [uploaded.photo, photo, photoName, 'image/png'],
      [uploaded.report, report, reportName, 'application/pdf'],
    ] as const) {
      const response = await download('town-a', itemId, view.id);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(type);
      expect(response.headers.get('content-length')).toBe(String(bytes.length));
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      const disposition = response.headers.get('content-disposition');
      expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/);
      expect(offeredName(disposition)).toBe(name);
      const body = Buffer.from(await response.arrayBuffer());
      expect(body.equals(bytes)).toBe(true);
      expect(sha256(body)).toBe(view.sha256);
    }
  });

  it('stores and offers a file under the extension of its detected type: a PDF named setup.exe is setup.pdf, a PNG named photo.html is photo.png', async () => {
    const picture = png([9, 9, 9]); // not `photo`: a later test counts the rows of that one
    const cases: [Uint8Array, string, string][] = [
      [report, 'setup.exe', 'setup.pdf'],
      [report, '整改报告.bat', '整改报告.pdf'],
      [report, '整改报告.pdf.exe', '整改报告.pdf.pdf'],
      [picture, 'photo.html', 'photo.png'],
      [picture, 'photo.hta', 'photo.png'],
      [picture, 'photo.PNG', 'photo.PNG'],
      [picture, '现场照片', '现场照片.png'],
      [report, '报告 v1.2', '报告 v1.2.pdf'],
    ];
    for (const [bytes, sent, kept] of cases) {
      const uploadedFile = await upload('water', itemId, { bytes, filename: sent });
      expect(uploadedFile.status, sent).toBe(201);
      expect(uploadedFile.body.filename, sent).toBe(kept);
      const response = await download('water', itemId, uploadedFile.body.id);
      const disposition = response.headers.get('content-disposition');
      await response.arrayBuffer();
      expect(offeredName(disposition), sent).toBe(kept);
      expect(disposition, sent).not.toMatch(/\.(exe|bat|hta|html)(["; ]|$)/i);
    }
    // A file stored under a dangerous name before names followed their type is offered under a safe one.
    const stored = await stack.database.collection('attachments').findOne({ itemId, filename: 'setup.pdf' });
    const legacyId = randomUUID();
    await stack.database.collection('attachments').insertOne({ ...stored!, _id: legacyId as any, filename: '旧材料.exe' });
    const legacy = await download('water', itemId, legacyId);
    expect(legacy.status).toBe(200);
    await legacy.arrayBuffer();
    expect(offeredName(legacy.headers.get('content-disposition'))).toBe('旧材料.pdf');
    await stack.database.collection('attachments').deleteOne({ _id: legacyId as any });
  });

  it('answers 404 on upload, list and download to a unit that may not see the item, and stores nothing', async () => {
    const before = await storage();
    const unknownItem = await list('health', randomUUID());
    expect(unknownItem.status).toBe(404);

    const uploading = await upload('health', itemId, { bytes: png([1, 2, 3]), filename: '卫健委.png' });
    expect(uploading).toEqual(unknownItem);
    expect(await list('health', itemId)).toEqual(unknownItem);
    const downloading = await download('health', itemId, uploaded.photo.id);
    expect(downloading.status).toBe(404);
    expect(downloading.headers.get('content-disposition')).toBeNull();
    expect(await downloading.json()).toEqual(unknownItem.body);
    expect(unknownItem.body).toEqual({ error: { code: 'not_found', message: '整改问题不存在或无权查看' } });

    // The neighbouring village of another item's lead unit, likewise.
    expect((await upload('village-a2', otherItemId, { bytes: png([1, 2, 3]), filename: 'a.png' })).status).toBe(404);
    expect(await storage()).toEqual(before);
  });

  it('does not serve an attachment through another item, nor an id that does not exist', async () => {
    // village-a1 may see its own item, but the photo belongs to the water item.
    expect((await download('village-a1', otherItemId, uploaded.photo.id)).status).toBe(404);
    expect((await download('office', otherItemId, uploaded.photo.id)).status).toBe(404);
    const missing = await download('office', itemId, randomUUID());
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'not_found', message: '附件不存在或无权查看' } });
    expect((await download('office', itemId, 'not-a-uuid')).status).toBe(400);
  });

  it('lets a co-unit and the office upload, but not those who only see the item', async () => {
    const coUnit = await upload('town-a', itemId, { bytes: png([10, 20, 30]), filename: '甲镇现场照片.png' });
    expect(coUnit.status).toBe(201);
    expect(coUnit.body.uploadedBy).toMatchObject({ name: '甲镇陈干事', unitId: 'town-a' });
    expect((await upload('office', itemId, { bytes: png([40, 50, 60]), filename: '办公室核查.png' })).status).toBe(201);

    const before = await storage();
    // The leader sees every item but does not upload; the inspector's role has no business with items at all.
    const leader = await upload('leader', itemId, { bytes: png([7, 7, 7]), filename: 'x.png' });
    expect(leader.status).toBe(403);
    expect(leader.body.error).toEqual({ code: 'not_permitted', message: '只有牵头单位、配合单位和领导小组办公室可以上传整改材料' });
    expect((await upload('inspector', itemId, { bytes: png([7, 7, 7]), filename: 'x.png' })).status).toBe(403);
    // village-a1's township sees the village item, but is neither its lead nor a co-unit.
    expect((await upload('town-a', otherItemId, { bytes: png([7, 7, 7]), filename: 'x.png' })).status).toBe(403);
    expect(await storage()).toEqual(before);
  });

  it('refuses a text file named .pdf with 415 naming the field, and keeps nothing', async () => {
    const before = await storage();
    const text = Buffer.from('这是一个纯文本文件，只是改了扩展名。\n'.repeat(100), 'utf8');
    const refused = await upload('water', itemId, { bytes: text, filename: '整改报告.pdf', type: 'application/pdf' });
    expect(refused.status).toBe(415);
    expect(refused.body.error).toMatchObject({
      code: 'unsupported_media_type',
      message: expect.stringContaining('不支持的文件类型'),
      details: { fields: [{ field: 'file', problems: [expect.any(String)] }], allowedTypes: expect.arrayContaining(['application/pdf']) },
    });
    // A zip is only an Office document under an Office name.
    const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, ...Buffer.alloc(60)]);
    expect((await upload('water', itemId, { bytes: zip, filename: '材料.zip' })).status).toBe(415);
    expect((await upload('water', itemId, { bytes: zip, filename: '台账.xlsx' })).body.contentType).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const after = await storage();
    expect(after).toEqual({ ...before, rows: before.rows + 1, digests: before.digests + 1, files: before.files + 1, chunks: before.chunks + 1 });
  });

  it('refuses a missing, empty or misnamed file field with 400 naming `file`', async () => {
    const before = await storage();
    const missing = await upload('water', itemId, null);
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'invalid_input', details: { fields: [{ field: 'file' }] } });
    const empty = await upload('water', itemId, { bytes: new Uint8Array(0), filename: '空文件.pdf' });
    expect(empty.status).toBe(400);
    expect(empty.body.error).toMatchObject({ code: 'invalid_input', message: '文件为空', details: { fields: [{ field: 'file' }] } });
    const misnamed = await upload('water', itemId, { bytes: photo, filename: 'a.png', field: 'document' });
    expect(misnamed.status).toBe(400);
    expect(misnamed.body.error.details.fields[0].field).toBe('file');
    const json = await stack.api.as(tokens.water!).post(`/api/rectifications/${itemId}/attachments`, { file: 'x' });
    expect(json.status).toBe(400);
    expect(await storage()).toEqual(before);
  });

  it('refuses a 21 MiB file with 413 and leaves neither row nor content', async () => {
    const before = await storage();
    const big = Buffer.alloc(21 * MiB, 7);
    photo.copy(big); // a PNG signature, so only the size is wrong
    const refused = await upload('water', itemId, { bytes: big, filename: '超大照片.png' });
    expect(refused.status).toBe(413);
    expect(refused.body.error).toMatchObject({
      code: 'payload_too_large',
      message: '文件超过 20 MB 的上限',
      details: { fields: [{ field: 'file' }], maxBytes: 20 * MiB },
    });
    expect(await storage()).toEqual(before);
  });

  it('stores the same bytes once, keeping a row per upload', async () => {
    const before = await storage();
    const again = await upload('town-a', itemId, { bytes: photo, filename: '同一张照片.png' });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ sha256: uploaded.photo.sha256, filename: '同一张照片.png' });
    expect(again.body.id).not.toBe(uploaded.photo.id);
    // Even twice at the same moment, and on another item.
    const [x, y] = await Promise.all([
      upload('water', itemId, { bytes: photo, filename: 'x.png' }),
      upload('village-a1', otherItemId, { bytes: photo, filename: 'y.png' }),
    ]);
    expect([x.status, y.status]).toEqual([201, 201]);
    expect(await storage()).toEqual({ ...before, rows: before.rows + 3 });
    const rows = await stack.database.collection('attachments').find({ sha256: sha256(photo) }).toArray();
    expect(rows).toHaveLength(4);
    expect(new Set(rows.map((r) => r.storageKey)).size).toBe(1);
    expect(await stack.database.collection(ATTACHMENT_DIGESTS).findOne({ _id: sha256(photo) as any })).toMatchObject({ storageKey: rows[0]!.storageKey });
    for (const view of [again.body, x.body, y.body]) {
      const item = view === y.body ? otherItemId : itemId;
      const body = Buffer.from(await (await download('office', item, view.id)).arrayBuffer());
      expect(body.equals(photo)).toBe(true);
    }
  });

  it('finds attachments by id only within their item (for plans, progress and completion)', async () => {
    const repository = new AttachmentRepository(stack.database);
    const otherItems = await repository.listForItem(otherItemId);
    expect(otherItems).toHaveLength(1);
    const found = await repository.findForItem(itemId, [uploaded.report.id, otherItems[0]!._id, randomUUID(), uploaded.photo.id, uploaded.report.id]);
    expect(found.map((a) => a._id)).toEqual([uploaded.report.id, uploaded.photo.id]);
    expect(found[0]).toMatchObject({ itemId, filename: reportName, sha256: uploaded.report.sha256, size: report.length });
    expect(await repository.findForItem(itemId, [])).toEqual([]);
  });

  it('documents the routes as multipart upload and binary download under rectifications', async () => {
    const { body } = await stack.api.get('/api/openapi.json');
    const collection = body.paths['/api/rectifications/{id}/attachments'];
    expect(collection.post.tags).toEqual(['rectifications']);
    expect(Object.keys(collection.post.requestBody.content)).toEqual(['multipart/form-data']);
    expect(collection.get.tags).toEqual(['rectifications']);
    const single = body.paths['/api/rectifications/{id}/attachments/{attachmentId}'];
    expect(Object.keys(single.get.responses['200'].content)).toContain('application/pdf');
  });

  it('removes what was written when the client disconnects mid-upload', async () => {
    const before = await storage();
    const boundary = 'duban-e2e-boundary';
    const request = httpRequest(`${stack.baseUrl}/api/rectifications/${itemId}/attachments`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokens.water}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(10 * MiB),
      },
    });
    request.on('error', () => undefined);
    request.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="中断.png"\r\nContent-Type: image/png\r\n\r\n`);
    request.write(photo);
    request.write(Buffer.alloc(3 * MiB, 1));
    // The server streams into GridFS as the bytes arrive: wait until chunks show up, then hang up.
    await until(async () => (await storage()).chunks > before.chunks);
    request.destroy();
    await until(async () => JSON.stringify(await storage()) === JSON.stringify(before));
  });

  // Last: counting GridFS chunks gets slower on FerretDB once 20 MiB of them are stored.
  it('accepts a file of exactly 20 MiB, stored in 255 KiB chunks', async () => {
    const before = await storage();
    const largest = Buffer.alloc(20 * MiB, 9);
    report.copy(largest);
    const accepted = await upload('water', itemId, { bytes: largest, filename: '扫描件.pdf' });
    expect(accepted.status).toBe(201);
    expect(accepted.body).toMatchObject({ size: 20 * MiB, sha256: sha256(largest) });
    const after = await storage();
    expect(after.chunks - before.chunks).toBe(Math.ceil((20 * MiB) / ATTACHMENT_CHUNK_BYTES));
    const response = await download('water', itemId, accepted.body.id);
    expect(sha256(Buffer.from(await response.arrayBuffer()))).toBe(accepted.body.sha256);
  });
});
