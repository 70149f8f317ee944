import { proxyActivities, sleep } from '@temporalio/workflow';
import type { MonthlyListActivities, MonthlyListIssueInput, MonthlyListIssueResult } from '@duban/contracts';
import { shanghaiMonthOf } from '@duban/domain';

const issue = proxyActivities<MonthlyListActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * The monthly Schedule's action (1st of each month, 09:00 Asia/Shanghai): the month's recurring obligations go
 * onto its list, and the list is published unless the office has published or scheduled it already. Running it
 * again for the same month adds nothing twice (item ids derive from template and month).
 */
export async function monthlyListIssueWorkflow(input: MonthlyListIssueInput = {}): Promise<MonthlyListIssueResult> {
  const at = new Date().toISOString();
  const month = input.month ?? shanghaiMonthOf(at);
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
