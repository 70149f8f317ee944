import { describe, expect, it } from 'vitest';
import type { Actor, Role } from '@duban/domain';
import { ATTACHMENT_TYPES, cleanFilename, detectAttachmentType, filenameForType, mayUploadAttachment } from './attachment-policy.js';
import { contentDisposition } from './attachment-view.js';

const bytes = (...values: number[]) => Uint8Array.from(values);
const ascii = (text: string) => new TextEncoder().encode(text);

describe('the kept name follows the detected type', () => {
  it.each([
    ['setup.exe', ATTACHMENT_TYPES.pdf, 'setup.pdf'],
    ['整改报告.bat', ATTACHMENT_TYPES.pdf, '整改报告.pdf'],
    ['photo.hta', ATTACHMENT_TYPES.png, 'photo.png'],
    ['photo.html', ATTACHMENT_TYPES.png, 'photo.png'],
    ['photo.svg', ATTACHMENT_TYPES.jpeg, 'photo.jpg'],
    ['photo.JPEG', ATTACHMENT_TYPES.jpeg, 'photo.JPEG'],
    ['报告.pdf.exe', ATTACHMENT_TYPES.pdf, '报告.pdf.pdf'],
    ['现场照片', ATTACHMENT_TYPES.png, '现场照片.png'],
    ['报告 v1.2', ATTACHMENT_TYPES.pdf, '报告 v1.2.pdf'],
    ['.exe', ATTACHMENT_TYPES.pdf, '未命名文件.pdf'],
    ['台账.xlsx', ATTACHMENT_TYPES.xlsx, '台账.xlsx'],
  ])('%s as %s is kept as %s', (filename, type, kept) => {
    expect(filenameForType(filename, type)).toBe(kept);
  });

  it('keeps the length bound when the extension changes', () => {
    const kept = filenameForType(`${'长'.repeat(200)}.exe`, ATTACHMENT_TYPES.pdf);
    expect([...kept]).toHaveLength(200);
    expect(kept.endsWith('.pdf')).toBe(true);
  });
});

describe('attachment type by magic bytes', () => {
  it.each([
    ['JPEG', bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10), 'a.txt', ATTACHMENT_TYPES.jpeg],
    ['PNG', bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0), '照片', ATTACHMENT_TYPES.png],
    ['PDF', ascii('%PDF-1.7\n'), '报告.PDF', ATTACHMENT_TYPES.pdf],
    ['DOCX', bytes(0x50, 0x4b, 0x03, 0x04, 0x14, 0), '方案.DOCX', ATTACHMENT_TYPES.docx],
    ['XLSX', bytes(0x50, 0x4b, 0x03, 0x04, 0x14, 0), '台账.xlsx', ATTACHMENT_TYPES.xlsx],
    ['DOC', bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0), '旧方案.doc', ATTACHMENT_TYPES.doc],
    ['XLS', bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0), '旧台账.xls', ATTACHMENT_TYPES.xls],
  ])('recognises %s whatever the name says', (_kind, head, filename, type) => {
    expect(detectAttachmentType(head, filename)).toBe(type);
  });

  it.each([
    ['plain text named .pdf', ascii('hello, this is text'), 'a.pdf'],
    ['an empty head', bytes(), 'a.png'],
    ['a zip that is no Office document', bytes(0x50, 0x4b, 0x03, 0x04), 'archive.zip'],
    ['an empty zip named .docx', bytes(0x50, 0x4b, 0x05, 0x06), 'a.docx'],
    ['an OLE2 file named .ppt', bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1), 'a.ppt'],
    ['HTML named .png', ascii('<html><script>'), 'a.png'],
    ['a truncated PNG signature', bytes(0x89, 0x50, 0x4e, 0x47), 'a.png'],
  ])('refuses %s', (_kind, head, filename) => {
    expect(detectAttachmentType(head, filename)).toBeNull();
  });
});

describe('file names', () => {
  it('keeps Chinese names and drops paths, control and direction characters', () => {
    expect(cleanFilename('整改前后对比照片（甲镇）.png')).toBe('整改前后对比照片（甲镇）.png');
    expect(cleanFilename('C:\\Users\\张三\\桌面\\台账.xlsx')).toBe('台账.xlsx');
    expect(cleanFilename('../../etc/passwd')).toBe('passwd');
    expect(cleanFilename('a\u0000b\r\n.pdf')).toBe('ab.pdf');
    expect(cleanFilename('invoice\u202egnp.exe')).toBe('invoicegnp.exe');
    expect(cleanFilename('  \u0007 ')).toBe('未命名文件');
  });

  it('shortens very long names but keeps the extension', () => {
    const name = cleanFilename(`${'长'.repeat(300)}.docx`);
    expect([...name]).toHaveLength(200);
    expect(name.endsWith('长.docx')).toBe(true);
  });

  it('offers the exact name as RFC 5987 filename* and an ASCII fallback', () => {
    expect(contentDisposition('整改报告 (终稿).pdf')).toBe(
      `attachment; filename="____ (__).pdf"; filename*=UTF-8''%E6%95%B4%E6%94%B9%E6%8A%A5%E5%91%8A%20%28%E7%BB%88%E7%A8%BF%29.pdf`,
    );
    expect(contentDisposition('a"b\\c.png')).toBe(`attachment; filename="a_b_c.png"; filename*=UTF-8''a%22b%5Cc.png`);
  });
});

describe('who may upload', () => {
  const actor = (unitId: string, ...roles: Role[]): Actor => ({ userId: `u-${unitId}`, name: unitId, unitId, roles });
  const item = { leadUnitId: 'water', coUnitIds: ['town-a'] };

  it('lets the lead unit, the co-units and the office upload', () => {
    expect(mayUploadAttachment(actor('water', 'unit'), item)).toBe(true);
    expect(mayUploadAttachment(actor('water', 'unit_leader'), item)).toBe(true);
    expect(mayUploadAttachment(actor('town-a', 'unit'), item)).toBe(true);
    expect(mayUploadAttachment(actor('office', 'office'), item)).toBe(true);
  });

  it('refuses everyone else, also those who may see the item', () => {
    expect(mayUploadAttachment(actor('county', 'leader'), item)).toBe(false);
    expect(mayUploadAttachment(actor('health', 'unit'), item)).toBe(false);
    expect(mayUploadAttachment(actor('water', 'inspector'), item)).toBe(false);
    expect(mayUploadAttachment(actor('county', 'unit'), { leadUnitId: 'village-a1', coUnitIds: [] })).toBe(false);
  });
});
