import { CATEGORY_LABELS, SEVERITY_LABELS, SOURCE_LABELS } from '@duban/domain';

const optionsOf = (labels: Record<string, string>) => Object.entries(labels).map(([value, label]) => ({ value, label }));

export const SOURCE_OPTIONS = optionsOf(SOURCE_LABELS);
export const CATEGORY_OPTIONS = optionsOf(CATEGORY_LABELS);
export const SEVERITY_OPTIONS = optionsOf(SEVERITY_LABELS);
