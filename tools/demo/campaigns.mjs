// Demo campaigns (seed 003, seed 000) as request bodies for POST /api/campaigns, dated from `today` (YYYY-MM-DD).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('./campaigns/', import.meta.url));

const plus = (today, days) => {
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

/** Every demo campaign as an API request body, its offsets turned into dates. */
export function demoCampaigns(today) {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => {
      const { startOffsetDays, phases, reports, ...rest } = JSON.parse(readFileSync(join(dir, name), 'utf8'));
      delete rest._comment;
      return {
        ...rest,
        startDate: plus(today, startOffsetDays),
        phases: phases.map(({ endOffsetDays, ...phase }) => ({ ...phase, endDate: plus(today, endOffsetDays) })),
        reports: reports.map(({ dueOffsetDays, ...report }) => ({ ...report, dueDates: dueOffsetDays.map((days) => plus(today, days)) })),
      };
    });
}
