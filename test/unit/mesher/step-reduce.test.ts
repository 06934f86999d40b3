import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PortLease } from '../../../src/mesher/ports.js';
import { loadProfile, PROFILE_VARS, PROFILES_DIR } from '../../../src/mesher/profiles.js';
import { loadScenario } from '../../../src/mesher/scenarios.js';
import { reduceSteps, scenarioDocument, stepsScenario } from '../../../src/mesher/step-reduce.js';
import type { RepeatStep, Scenario } from '../../../src/mesher/types.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mesher-step-reduce-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const RAW = [
  { kind: 'http', name: 'settings', path: '/api/v1/projects/${project}/settings' },
  { kind: 'sql', name: 'find issue', query: 'SELECT id FROM issues', capture: { issueId: '0.id' } },
  { kind: 'http', name: 'storage', path: '/api/v1/projects/${project}/storage' },
  { kind: 'http', name: 'resolve', method: 'POST', path: '/api/v1/issues/${issueId}/resolve' },
  { kind: 'repeat', name: 'events', count: 10, concurrency: 4, steps: [{ kind: 'http', method: 'POST', path: '/api/v1/events' }] },
];

async function scenario(): Promise<Scenario> {
  const file = join(dir, 's.json');
  await writeFile(file, JSON.stringify({ name: 's', steps: RAW }));
  return loadScenario(file);
}

const AVAILABLE = new Set<string>([...PROFILE_VARS, 'project']);
const never = new AbortController().signal;

describe('reduceSteps', () => {
  it('keeps only the earlier steps the failure needs, and the steps that feed them their variables', async () => {
    const original = await scenario();
    const replayed: string[][] = [];
    // The failure needs the resolve request (which needs the captured issue id) before the events.
    const fails = async (s: Scenario, upTo: number): Promise<boolean> => {
      const names = s.steps.slice(0, upTo).map((step) => step.name);
      replayed.push(names);
      return names.includes('resolve') && (s.steps[upTo - 1] as RepeatStep).count >= 3;
    };
    const reduced = await reduceSteps({ raw: RAW, target: 4 }, stepsScenario(original, AVAILABLE), fails, never);
    expect(reduced.kept).toEqual([2, 4, 5]);
    expect(reduced.raw.map((s) => s.name)).toEqual(['find issue', 'resolve', 'events']);
    expect(reduced.target).toBe(2);
    // 10 events 4 at a time → the first count that still fails (1, 2, 4 tried), one at a time.
    expect(reduced.raw[2]).toMatchObject({ count: 4, concurrency: 1 });
    expect(reduced.changes).toEqual(['repeat 10× → 4×', 'concurrency 4 → 1']);
    // Dropping `find issue` alone leaves ${issueId} unset: skipped without a replay.
    expect(replayed.some((names) => names.includes('resolve') && !names.includes('find issue'))).toBe(false);
    expect(reduced.tried).toBe(replayed.length);
    // The document is a loadable scenario holding just these steps, as written.
    const document = scenarioDocument(original, reduced, 'why');
    expect(document).toEqual({ name: 's-step-3', description: 'why', steps: reduced.raw });
    expect(stepsScenario(original, AVAILABLE)(reduced)?.steps.map((s) => s.kind)).toEqual(['sql', 'http', 'repeat']);
  });

  it('replays nothing once interrupted', async () => {
    const aborted = AbortSignal.abort();
    let calls = 0;
    const reduced = await reduceSteps({ raw: RAW, target: 4 }, stepsScenario(await scenario(), AVAILABLE), async () => (calls++, true), aborted);
    expect(calls).toBe(0);
    expect(reduced.raw).toEqual(RAW);
  });
});

describe('PortLease', () => {
  it('never hands out a port it holds, until it is released', async () => {
    const lease = new PortLease();
    const held = new Set<number>();
    for (let i = 0; i < 20; i++) for (const port of await lease.lease(2)) {
      expect(held.has(port)).toBe(false);
      held.add(port);
    }
    expect(lease.size).toBe(40);
    lease.release([...held]);
    expect(lease.size).toBe(0);
  });
});

describe('profile probe status', () => {
  it('takes "any" (ready on any answer: what repro writes for replaying a reduced app)', async () => {
    const april = JSON.parse(await readFile(join(PROFILES_DIR, 'april.json'), 'utf8')) as { ready: { probe: Record<string, unknown> } };
    april.ready.probe.status = 'any';
    const file = join(dir, 'any.json');
    await writeFile(file, JSON.stringify(april));
    expect((await loadProfile(file)).ready.probe.status).toBe('any');
    april.ready.probe.status = 'some';
    await writeFile(file, JSON.stringify(april));
    await expect(loadProfile(file)).rejects.toThrow(/ready\.probe\.status: must be a whole number/);
  });
});
