import { Empty } from 'antd';
import type { Key, ReactNode } from 'react';

/** A plain divided list (Ant Design's List is deprecated in v6). */
export function Rows<T>({ items, rowKey, empty, render }: { items: readonly T[]; rowKey(item: T): Key; empty: string; render(item: T): ReactNode }) {
  if (items.length === 0) return <Empty description={empty} image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  return (
    <div>
      {items.map((item, index) => (
        <div key={rowKey(item)} style={{ padding: '10px 0', borderTop: index === 0 ? undefined : '1px solid #f0f0f0' }}>
          {render(item)}
        </div>
      ))}
    </div>
  );
}
