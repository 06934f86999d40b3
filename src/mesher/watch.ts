import { readFileSync } from 'node:fs';
import type { WatchReport, WatchSample } from './types.js';

export const WATCH_INTERVAL_MS = 250;
/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ: 100 on every Linux port in use). */
const TICKS_PER_SECOND = 100;
const PAGE_KB = 4;

/** One reading of /proc/<pid>/stat, or null when the process is gone. */
export function readProc(pid: number): { threads: number; rssKb: number; cpuS: number } | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // Fields after the command name (which may hold spaces and parentheses); field 3 is the state.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return null;
  const at = (n: number): number => Number(fields[n - 3]);
  return { threads: at(20), rssKb: at(24) * PAGE_KB, cpuS: (at(14) + at(15)) / TICKS_PER_SECOND };
}

/**
 * Samples a process every 250 ms (and every 25 requests) while a scenario runs: threads,
 * resident memory, CPU time, next to how many requests had been sent by then (so growth is
 * per request, not per second).
 */
export class Watch {
  private readonly samples: WatchSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly started = performance.now();

  constructor(
    private readonly pid: number,
    private readonly requests: () => number,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), WATCH_INTERVAL_MS);
    this.timer.unref();
  }

  /**
   * Also sample every 25 requests: a fast scenario may send hundreds of requests between two
   * timed samples, and growth is measured from the first sample after warm-up.
   */
  requestSent(count: number): void {
    if (count % 25 === 0) this.sample();
  }

  /** Takes a last sample and reports. */
  stop(options: { minRequests: number }): WatchReport | null {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
    const report = summarize(this.samples, options.minRequests);
    // Requests sent after the process died have no sample, but were sent.
    return report && { ...report, requests: this.requests() };
  }

  private sample(): void {
    const reading = readProc(this.pid);
    if (reading) this.samples.push({ atMs: Math.round(performance.now() - this.started), requests: this.requests(), ...reading });
  }
}

/**
 * Start, end and maximum of each measure, the CPU time used, and the growth per 1,000
 * requests after warm-up: warm-up is the first 10% of the requests (at least 50), during
 * which pools fill and caches warm; growth is measured from the first sample after it to
 * the last, and only when at least `minRequests` requests came after warm-up.
 */
export function summarize(samples: readonly WatchSample[], minRequests: number): WatchReport | null {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last) return null;
  const requests = last.requests;
  const warmupRequests = Math.max(50, Math.ceil(requests * 0.1));
  const base = samples.find((s) => s.requests >= warmupRequests);
  const measured = base ? requests - base.requests : 0;
  const growth =
    base && measured >= minRequests
      ? {
          warmupRequests: base.requests,
          threadsPer1k: round(((last.threads - base.threads) * 1000) / measured),
          rssMibPer1k: round(((last.rssKb - base.rssKb) * 1000) / measured / 1024),
        }
      : null;
  return {
    samples: samples.length,
    requests,
    threads: { start: first.threads, end: last.threads, max: Math.max(...samples.map((s) => s.threads)) },
    rssKb: { start: first.rssKb, end: last.rssKb, max: Math.max(...samples.map((s) => s.rssKb)) },
    cpuS: round(last.cpuS - first.cpuS),
    growth,
  };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
