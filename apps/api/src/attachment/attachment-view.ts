import type { AttachmentRecord } from '@duban/persistence';

export interface AttachmentView {
  id: string;
  itemId: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  uploadedBy: { userId: string; name: string; unitId: string };
  uploadedAt: string;
}

/** The record without where its bytes are kept. */
export function toAttachmentView(record: AttachmentRecord): AttachmentView {
  return {
    id: record._id,
    itemId: record.itemId,
    filename: record.filename,
    contentType: record.contentType,
    size: record.size,
    sha256: record.sha256,
    uploadedBy: { userId: record.uploadedBy.userId, name: record.uploadedBy.name, unitId: record.uploadedBy.unitId },
    uploadedAt: record.uploadedAt.toISOString(),
  };
}

/**
 * `attachment` with an ASCII `filename` for old clients and the exact name as RFC 5987 / RFC 6266 `filename*`
 * (UTF-8, percent-encoded), which every current browser prefers.
 */
export function contentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
