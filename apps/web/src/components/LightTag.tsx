import { Tag } from 'antd';
import type { Light } from '../api/types';

export const LIGHT_COLOURS: Record<Light, string> = { green: '#2e7d32', blue: '#1565c0', yellow: '#f9a825', red: '#c62828' };
export const LIGHT_NAMES: Record<Light, string> = { green: '绿灯', blue: '蓝灯', yellow: '黄灯', red: '红灯' };

/** 亮灯: the item's light with its Chinese name, or 不亮灯 when no deadline runs (deferred, closed). */
export function LightTag({ light, label }: { light: Light | null; label?: string | null }) {
  if (!light) return <Tag>不亮灯</Tag>;
  return (
    <Tag color={LIGHT_COLOURS[light]} variant="solid" data-light={light}>
      {label ?? LIGHT_NAMES[light]}
    </Tag>
  );
}
