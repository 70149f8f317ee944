import { readFileSync } from 'node:fs';

/** Processes whose CPU time a benchmark window accounts for, by what they are (worker, Temporal, database…); a
 * process the bench did not start (a given server) is undefined and left out. */
export type ProcessIds = Readonly<Record<string, number | undefined>>;

/** CPU seconds (user + system) each process has used so far; this process is counted as `bench`. */
export type CpuTimes = Readonly<Record<string, number>>;

// Linux reports utime and stime in clock ticks; USER_HZ is 100 on every Linux we run on.
const TICKS_PER_SECOND = 100;

/** User + system CPU seconds of a process so far (Linux /proc); NaN once it is gone. */
export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: the fields that follow start after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

export function cpuTimes(pids: ProcessIds): CpuTimes {
  const usage = process.cpuUsage();
  const times: Record<string, number> = { bench: (usage.user + usage.system) / 1e6 };
  for (const [name, pid] of Object.entries(pids)) {
    if (pid !== undefined && pid !== process.pid) times[name] = cpuSecondsOf(pid);
  }
  return times;
}

/** CPU milliseconds each process spent per event, and their sum. */
export interface CpuPerEvent {
  readonly perProcess: Record<string, number>;
  readonly total: number;
}

/** CPU milliseconds each process spent per event between two readings, and their sum. */
export function cpuMsPerEvent(before: CpuTimes, after: CpuTimes, events: number): CpuPerEvent {
  const perProcess: Record<string, number> = {};
  for (const name of Object.keys(after)) {
    const used = after[name]! - (before[name] ?? Number.NaN);
    if (Number.isFinite(used)) perProcess[name] = Math.round((used * 1000 * 10) / Math.max(1, events)) / 10;
  }
  const total = Math.round(Object.values(perProcess).reduce((a, b) => a + b, 0) * 10) / 10;
  return { perProcess, total };
}
