import { SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';
import { proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { MonthlyListActivities, MonthlyListIssueInput, MonthlyListIssueResult } from '@duban/contracts';
import { shanghaiMonthOf } from '@duban/domain';

const issue = proxyActivities<MonthlyListActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** Set by a Schedule on the runs it starts: the instant the run was due, also when it is a catch-up or a backfill. */
const SCHEDULED_START_TIME = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

/**
 * The monthly Schedule's action (1st of each month, 09:00 Asia/Shanghai): the month's recurring obligations go
 * onto its list, and the list is published unless the office has published or scheduled it already. Running it
 * again for the same month adds nothing twice (item ids derive from template and month).
 */
export async function monthlyListIssueWorkflow(input: MonthlyListIssueInput = {}): Promise<MonthlyListIssueResult> {
  const at = new Date().toISOString();
  // The month is the one the Schedule fired for, not the one the run happens in: a backfilled (or late caught-up) 1st
  // issues its own month. Started by hand, the run's own instant. Only an activity's argument depends on it, so
  // histories recorded before this replay unchanged (no patch needed).
  const scheduledAt = workflowInfo().typedSearchAttributes.get(SCHEDULED_START_TIME);
  const month = input.month ?? shanghaiMonthOf(scheduledAt ?? at);
  const list = await issue.addDueTemplateItems({ month, at });

  if (list.status === 'draft') {
    if (list.items === 0) return { ...list, month, publication: 'none' };
    const published = await issue.publishIssuedList({ listId: list.listId, at });
    return { ...published, added: list.added, month, publication: published.publishAt === at ? 'this-run' : 'earlier' };
  }

  if (list.status === 'scheduled' && list.publishAt) {
    // The office scheduled it: its publication freezes the items added above, unless it froze the list in between.
    // Look again once it is out; anything missing then is added to the published list.
    const wait = Date.parse(list.publishAt) - Date.now();
    if (wait > 0) await sleep(wait);
    const after = await issue.addDueTemplateItems({ month, at, mustBePublished: true });
    return { ...after, added: list.added + after.added, month, publication: 'earlier' };
  }

  return { ...list, month, publication: list.status === 'closed' ? 'none' : 'earlier' };
}
