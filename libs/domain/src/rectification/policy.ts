import type { Severity, Source } from './vocabulary.js';
import { STANDARD_POLICY, STRICT_POLICY, type SupervisionPolicy } from '../supervision/policy.js';

const STRICT_SOURCES: readonly Source[] = ['national_post_evaluation', 'provincial_inspection_tour'];

/** The policy a new item gets, from its source and severity. */
export function selectPolicy(source: Source, severity: Severity): SupervisionPolicy {
  return severity === 'critical' || STRICT_SOURCES.includes(source) ? STRICT_POLICY : STANDARD_POLICY;
}
