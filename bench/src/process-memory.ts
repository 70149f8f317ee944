import { readFileSync } from 'node:fs';

/** Resident set size of a process in bytes (Linux /proc). */
export function rssOf(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

/** Samples a process's RSS every `everyMs` until stopped; the peak and the first sample. */
export function sampleRss(pid: number, everyMs = 50): { stop(): { startBytes: number; peakBytes: number; samples: number } } {
  const startBytes = rssOf(pid);
  let peakBytes = startBytes;
  let samples = 1;
  const timer = setInterval(() => {
    peakBytes = Math.max(peakBytes, rssOf(pid));
    samples++;
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      peakBytes = Math.max(peakBytes, rssOf(pid));
      return { startBytes, peakBytes, samples: samples + 1 };
    },
  };
}
