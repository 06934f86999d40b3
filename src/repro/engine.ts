import type { Candidate, OracleOutcome } from '../types/index.js';
import type { Pass } from './passes/pass.js';
import type { PassStats, ReduceOptions, ReduceProgress, SyntaxPort } from './types.js';
import { StateBuilder, contentKey, isSmaller, type State } from './state.js';

export type StopReason = 'interrupt' | 'time-limit' | 'call-limit';

/**
 * The decision maker: pulls proposals from a pass in order, rejects the ones that do not
 * parse or do not shrink, answers repeats from the content-hash cache, keeps up to `jobs`
 * oracle calls in flight, and accepts the lowest-index interesting proposal, exactly what
 * a sequential run would accept. Speculative calls that lose the race are aborted.
 */
export class Engine {
  readonly cache = new Map<string, OracleOutcome>();
  /** Content keys of candidates that did not parse (so repeats skip the parser too). */
  private readonly unparsable = new Set<string>();
  oracleCalls = 0;
  cacheHits = 0;
  invalidRejected = 0;
  stoppedBy: StopReason | null = null;
  readonly stats = new Map<string, PassStats>();
  private readonly started = performance.now();
  private currentPass = 'check';

  constructor(
    readonly port: SyntaxPort,
    readonly builder: StateBuilder,
    private readonly options: ReduceOptions,
    public best: State,
  ) {}

  get jobs(): number {
    return Math.max(1, Math.floor(this.options.jobs ?? 1));
  }

  elapsedMs(): number {
    return performance.now() - this.started;
  }

  /** Asks the oracle (through the cache) about one candidate, sequentially. */
  async ask(candidate: Candidate): Promise<OracleOutcome> {
    const key = contentKey(candidate);
    const cached = this.cache.get(key);
    if (cached !== undefined) {
      this.cacheHits++;
      return cached;
    }
    this.oracleCalls++;
    const outcome = await this.options.oracle(candidate, this.options.signal);
    if (!this.options.signal?.aborted) this.cache.set(key, outcome);
    this.report();
    return outcome;
  }

  /** Runs one pass to its end on the current best; returns the tokens it removed (-1: bytes only). */
  async runPass(pass: Pass): Promise<number> {
    this.currentPass = pass.name;
    const stats = this.statsFor(pass.name);
    let cursor: unknown = null;
    const before = this.best;
    const gain = (): number => (before.tokens > this.best.tokens ? before.tokens - this.best.tokens : this.best === before ? 0 : -1);
    this.report();
    for (;;) {
      if (this.checkStop()) return gain();
      const accepted = await this.search(pass, this.best, cursor, stats);
      if (!accepted) return gain();
      stats.accepted++;
      stats.tokensRemoved += this.best.tokens - accepted.state.tokens;
      stats.bytesRemoved += this.best.bytes - accepted.state.bytes;
      this.best = accepted.state;
      cursor = accepted.cursor;
      await this.options.onBest?.(this.best.candidate);
      this.report();
    }
  }

  private async search(pass: Pass, state: State, cursor: unknown, stats: PassStats): Promise<{ state: State; cursor: unknown } | null> {
    const proposals = pass.propose(state, cursor, this.port)[Symbol.iterator]();
    interface InFlight {
      readonly key: string;
      readonly next: State;
      readonly cursor: unknown;
      readonly outcome: Promise<OracleOutcome>;
      readonly controller: AbortController | null;
    }
    const window: InFlight[] = [];
    const abortAll = (): void => {
      for (const item of window) item.controller?.abort();
    };
    let exhausted = false;

    const pullOne = (): boolean => {
      while (!exhausted) {
        if (this.checkStop()) {
          exhausted = true;
          return false;
        }
        const step = proposals.next();
        if (step.done) {
          exhausted = true;
          return false;
        }
        // Cache first (no parse needed), then parse: the first alternative that parses is the one asked about.
        let next: State | null = null;
        let key = '';
        let cached: OracleOutcome | undefined;
        for (const alternative of step.value.alternatives) {
          key = contentKey(alternative);
          if (this.unparsable.has(key)) {
            this.invalidRejected++;
            continue;
          }
          cached = this.cache.get(key);
          if (cached !== undefined && cached !== 'interesting') break;
          next = this.builder.build(alternative);
          if (next) break;
          this.unparsable.add(key);
          this.invalidRejected++;
        }
        if (cached !== undefined && cached !== 'interesting') {
          stats.tried++;
          this.cacheHits++;
          continue;
        }
        if (!next || !isSmaller(next, state)) continue;
        // Blank programs are ruled out by the empty-program check; do not spend a run on one.
        if (next.files.every((f) => f.source.trim() === '')) continue;
        if (window.some((w) => w.key === key)) continue;
        stats.tried++;
        if (cached === 'interesting') {
          this.cacheHits++;
          window.push({ key, next, cursor: step.value.cursor, outcome: Promise.resolve(cached), controller: null });
          return true;
        }
        if (this.options.maxOracleCalls !== undefined && this.oracleCalls >= this.options.maxOracleCalls) {
          this.stoppedBy = 'call-limit';
          exhausted = true;
          return false;
        }
        const controller = new AbortController();
        const signal = this.options.signal ? AbortSignal.any([this.options.signal, controller.signal]) : controller.signal;
        this.oracleCalls++;
        const outcome = this.options.oracle(next.candidate, signal).then((result) => {
          if (!signal.aborted) this.cache.set(key, result);
          this.report();
          return result;
        });
        // A rejection is observed when (if) this entry reaches the head of the window.
        outcome.catch(() => undefined);
        window.push({ key, next, cursor: step.value.cursor, outcome, controller });
        return true;
      }
      return false;
    };

    try {
      for (;;) {
        while (window.length < this.jobs && pullOne()) {
          // fill the speculation window
        }
        const head = window.shift();
        if (!head) return null;
        const outcome = await head.outcome;
        if (this.options.signal?.aborted) {
          this.stoppedBy ??= 'interrupt';
          return null;
        }
        if (outcome === 'interesting') return { state: head.next, cursor: head.cursor };
      }
    } finally {
      abortAll();
      await Promise.allSettled(window.map((w) => w.outcome));
    }
  }

  /** True (and records why) when a budget ran out or the user interrupted. */
  checkStop(): boolean {
    if (this.stoppedBy) return true;
    if (this.options.signal?.aborted) this.stoppedBy = 'interrupt';
    else if (this.options.timeLimitMs !== undefined && this.elapsedMs() >= this.options.timeLimitMs) this.stoppedBy = 'time-limit';
    else if (this.options.maxOracleCalls !== undefined && this.oracleCalls >= this.options.maxOracleCalls) this.stoppedBy = 'call-limit';
    return this.stoppedBy !== null;
  }

  statsFor(name: string): PassStats {
    let stats = this.stats.get(name);
    if (!stats) {
      stats = { name, tried: 0, accepted: 0, tokensRemoved: 0, bytesRemoved: 0 };
      this.stats.set(name, stats);
    }
    return stats;
  }

  report(): void {
    if (!this.options.onProgress) return;
    const progress: ReduceProgress = {
      pass: this.currentPass,
      bytes: this.best.bytes,
      tokens: this.best.tokens,
      oracleCalls: this.oracleCalls,
      cacheHits: this.cacheHits,
      elapsedMs: Math.round(this.elapsedMs()),
    };
    this.options.onProgress(progress);
  }
}
