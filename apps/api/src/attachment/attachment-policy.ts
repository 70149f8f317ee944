import { actsForUnit, hasRole, type Actor } from '@duban/domain';
import type { RectificationRecord } from '@duban/persistence';

/** The multipart form field that carries the file. */
export const ATTACHMENT_FIELD = 'file';
/** 20 MiB per file. */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;
export const MAX_ATTACHMENT_LABEL = '20 MB';
/** Longest stored file name, in characters; longer names keep their start and their extension. */
export const MAX_FILENAME_LENGTH = 200;

export const ATTACHMENT_TYPES = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
} as const;
export const ALLOWED_TYPES_LABEL = 'JPG、PNG、PDF、Word（DOC、DOCX）和 Excel（XLS、XLSX）';

const JPEG = [0xff, 0xd8, 0xff];
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const PDF = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-
const ZIP = [0x50, 0x4b, 0x03, 0x04]; // PK␃␄, a local file header: OOXML documents are zip containers
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]; // compound file: legacy .doc / .xls

const startsWith = (head: Uint8Array, signature: readonly number[]) =>
  head.length >= signature.length && signature.every((byte, i) => head[i] === byte);

/**
 * The content type of an upload, decided by its first bytes — never by the declared type. Containers shared by
 * several formats (zip for DOCX/XLSX, OLE2 for DOC/XLS) also need the matching extension. `null`: not allowed
 * (plain text among others).
 */
export function detectAttachmentType(head: Uint8Array, filename: string): string | null {
  if (startsWith(head, JPEG)) return ATTACHMENT_TYPES.jpeg;
  if (startsWith(head, PNG)) return ATTACHMENT_TYPES.png;
  if (startsWith(head, PDF)) return ATTACHMENT_TYPES.pdf;
  const extension = filename.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  if (startsWith(head, ZIP)) {
    if (extension === 'docx') return ATTACHMENT_TYPES.docx;
    if (extension === 'xlsx') return ATTACHMENT_TYPES.xlsx;
    return null;
  }
  if (startsWith(head, OLE2)) {
    if (extension === 'doc') return ATTACHMENT_TYPES.doc;
    if (extension === 'xls') return ATTACHMENT_TYPES.xls;
    return null;
  }
  return null;
}

/**
 * The name to keep: the last path segment, NFC, without control characters, trimmed, at most
 * `MAX_FILENAME_LENGTH` characters (the extension kept). Chinese names pass unchanged.
 */
export function cleanFilename(original: string): string {
  const base = original.normalize('NFC').split(/[/\\]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  const chars = [...cleaned];
  if (chars.length === 0) return '未命名文件';
  if (chars.length <= MAX_FILENAME_LENGTH) return cleaned;
  const extension = cleaned.match(/\.[A-Za-z0-9]{1,10}$/)?.[0] ?? '';
  return chars.slice(0, MAX_FILENAME_LENGTH - extension.length).join('') + extension;
}

/** The extensions a file of each allowed type may carry; the first is the one given to a name that has none of them. */
const EXTENSIONS_BY_TYPE: Record<string, readonly string[]> = {
  [ATTACHMENT_TYPES.jpeg]: ['jpg', 'jpeg'],
  [ATTACHMENT_TYPES.png]: ['png'],
  [ATTACHMENT_TYPES.pdf]: ['pdf'],
  [ATTACHMENT_TYPES.docx]: ['docx'],
  [ATTACHMENT_TYPES.xlsx]: ['xlsx'],
  [ATTACHMENT_TYPES.doc]: ['doc'],
  [ATTACHMENT_TYPES.xls]: ['xls'],
};

/**
 * The name under which a file of `contentType` is kept and offered: its extension must say what the content is,
 * so a PDF named `setup.exe` becomes `setup.pdf` and a PNG named `photo.html` becomes `photo.png` — a download
 * never carries an extension a desktop would run or render. A trailing extension (a dot and letters, with or
 * without digits) is replaced; a name without one (`报告 v1.2`) gets the type's extension added.
 */
export function filenameForType(filename: string, contentType: string): string {
  const extensions = EXTENSIONS_BY_TYPE[contentType];
  if (!extensions) return filename;
  const extension = filename.match(/\.([A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*)$/);
  if (extension && extensions.includes(extension[1]!.toLowerCase())) return filename;
  const stem = extension ? filename.slice(0, extension.index) : filename;
  return cleanFilename(`${stem || '未命名文件'}.${extensions[0]!}`);
}

/** The item's lead unit and co-units (their handlers and leaders) and the office may add evidence. */
export function mayUploadAttachment(actor: Actor, item: Pick<RectificationRecord, 'leadUnitId' | 'coUnitIds'>): boolean {
  if (hasRole(actor, 'office')) return true;
  return actsForUnit(actor, item.leadUnitId) || item.coUnitIds.some((unitId) => actsForUnit(actor, unitId));
}
