/**
 * The gate with a fresh journal against a real meshc: every known-gap probe must do what the
 * catalog says for that compiler's dialect (the catalog is measured; see docs/gaps.md).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REAL_ENABLED, REAL_MESHC } from './real-meshc.js';
import { ROOT, runCli } from '../support/cli.js';

describe.runIf(REAL_ENABLED)('real meshc: gate', () => {
  const work = mkdtempSync(join(tmpdir(), 'real-gate-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('passes on every probe with a fresh journal', async () => {
    const result = await runCli(['gate', '--meshc', REAL_MESHC, '--journal', join(work, 'journal.db'), '--json'], { cwd: ROOT });
    const report = JSON.parse(result.stdout) as { results?: { key?: string; outcome?: string }[] };
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.code, result.stderr).toBe(0);
    expect(report.results?.length ?? 0).toBeGreaterThan(25);
  }, 900_000);
});
