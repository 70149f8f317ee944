import { Button, Upload, type UploadFile } from 'antd';
import { useState } from 'react';
import { api } from '../api/client';
import type { Attachment } from '../api/types';
import { messageOf } from './errors';

/** Uploads each chosen file as an attachment of the item and reports the ids to the form (佐证材料按 id 引用). */
export function EvidenceUpload({ itemId, value, onChange }: { itemId: string; value?: string[]; onChange?: (ids: string[]) => void }) {
  const [files, setFiles] = useState<UploadFile[]>([]);
  return (
    <Upload
      fileList={files}
      accept=".jpg,.jpeg,.png,.pdf,.doc,.docx,.xls,.xlsx"
      customRequest={async ({ file, onSuccess, onError }) => {
        const form = new FormData();
        form.append('file', file as Blob);
        try {
          const saved = await api.upload<Attachment>(`/rectifications/${itemId}/attachments`, form);
          onChange?.([...(value ?? []), saved.id]);
          onSuccess?.(saved);
        } catch (error) {
          onError?.(new Error(messageOf(error)));
        }
      }}
      onChange={({ fileList }) => setFiles(fileList.map((f) => (f.status === 'error' ? { ...f, response: (f.error as Error | undefined)?.message } : f)))}
      onRemove={(file) => {
        const id = (file.response as Attachment | undefined)?.id;
        if (id) onChange?.((value ?? []).filter((v) => v !== id));
      }}
    >
      <Button>上传材料</Button>
    </Upload>
  );
}
