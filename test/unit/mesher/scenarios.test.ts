import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinScenarioNames, checkScenarioVariables, loadScenario, resolveScenario } from '../../../src/mesher/scenarios.js';
import { PROFILE_VARS, builtinProfileNames, loadProfile, resolveProfile, PROFILES_DIR } from '../../../src/mesher/profiles.js';
import { UserError } from '../../../src/types/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mesher-scenarios-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function scenario(value: unknown): Promise<string> {
  const path = join(dir, `s${Math.random().toString(36).slice(2)}.json`);
  await writeFile(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

async function errorOf(promise: Promise<unknown>): Promise<UserError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(UserError);
  return err as UserError;
}

describe('scenario files', () => {
  it('every built-in scenario loads, and its variables are all known to both profiles', async () => {
    const names = await builtinScenarioNames();
    expect(names).toEqual(['bad-input', 'ingest', 'issue-lifecycle', 'smoke', 'soak', 'websocket-stream']);
    for (const profileName of await builtinProfileNames()) {
      const profile = await loadProfile(join(PROFILES_DIR, `${profileName}.json`));
      const available = new Set<string>([...PROFILE_VARS, ...Object.keys(profile.vars), ...Object.keys(profile.lookup)]);
      for (const name of names) checkScenarioVariables(await resolveScenario(name), available);
    }
  });

  it('fills defaults', async () => {
    const s = await loadScenario(await scenario({ name: 'd', steps: [{ kind: 'http', path: '/a' }, { kind: 'repeat', count: 3, steps: [{ kind: 'sql', query: 'select 1' }] }] }));
    expect(s.steps[0]).toMatchObject({ kind: 'http', method: 'GET', name: 'GET /a', auth: false, timeoutMs: 10_000, expect: {} });
    expect(s.steps[1]).toMatchObject({ kind: 'repeat', count: 3, concurrency: 1 });
  });

  it.each([
    [{ name: 'x', steps: [] }, 'steps: must have at least one step'],
    [{ name: 'x', steps: [{ kind: 'htp', path: '/' }] }, "steps[0].kind: unknown step kind 'htp'"],
    [{ name: 'x', steps: [{ kind: 'http', path: '/', exepct: {} }] }, "steps[0].exepct: unknown key 'exepct'"],
    [{ name: 'x', steps: [{ kind: 'http', path: 'no-slash' }] }, "steps[0].path: must start with '/'"],
    [{ name: 'x', steps: [{ kind: 'http', path: '/', expect: { status: [200, 'x'] } }] }, 'steps[0].expect.status[1]: must be a whole number'],
    [{ name: 'x', steps: [{ kind: 'repeat', count: 0, steps: [{ kind: 'http', path: '/' }] }] }, 'steps[0].count: must be from 1 to'],
    [{ name: 'x', steps: [{ kind: 'repeat', count: 2, steps: [{ kind: 'ws', path: '/' }] }] }, "steps[0].steps[0].kind: must be 'http' or 'sql' inside repeat"],
    [{ name: 'x', steps: [{ kind: 'wait-until', step: { kind: 'repeat', count: 1, steps: [] } }] }, "steps[0].step.kind: 'repeat' is only allowed at the top level"],
    [{ name: 'x', steps: [{ kind: 'ws', path: '/', expect: { close: 1008, frame: {} } }] }, 'steps[0].expect: expects either a frame or a close'],
    [{ steps: [{ kind: 'http', path: '/' }] }, 'name: must be a string'],
  ])('%j is refused: %s', async (value, message) => {
    const err = await errorOf(loadScenario(await scenario(value)));
    expect(err.message).toContain(message);
    expect(err.hint).toContain('docs/mesher.md');
  });

  it('bad JSON and a missing file are input errors', async () => {
    expect((await errorOf(loadScenario(await scenario('{ nope')))).message).toMatch(/is not valid JSON/);
    expect((await errorOf(loadScenario(join(dir, 'missing.json')))).message).toMatch(/cannot read .*: no such file/);
    expect((await errorOf(resolveScenario('no-such-scenario'))).message).toBe("no scenario named 'no-such-scenario'");
  });

  it('a variable must be a profile variable or captured by an earlier step', async () => {
    const s = await loadScenario(
      await scenario({
        name: 'v',
        steps: [
          { kind: 'http', path: '/a/${project}', capture: { id: 'data.0.id' } },
          { kind: 'repeat', count: 2, steps: [{ kind: 'http', path: '/b/${id}/${i}' }] },
          { kind: 'sql', query: 'select $1', params: ['${later}'] },
          { kind: 'sql', query: 'select 1', capture: { later: '0.x' } },
        ],
      }),
    );
    const err = (() => {
      try {
        checkScenarioVariables(s, new Set(['project']));
      } catch (e) {
        return e as UserError;
      }
      return undefined;
    })();
    expect(err?.message).toContain('steps[2].params: ${later} is not set');
  });
});

describe('profiles', () => {
  it('auto picks by the compiler dialect and the app files', async () => {
    const app = await mkdtemp(join(dir, 'app-'));
    expect((await resolveProfile('auto', app, 'february')).name).toBe('february');
    await expect(resolveProfile('auto', app, 'april')).rejects.toThrow(/cannot tell which Mesher profile/);
    await writeFile(join(app, 'config.mpl'), '');
    expect((await resolveProfile('auto', app, 'april')).name).toBe('april');
    expect((await resolveProfile('auto', app, 'unknown')).name).toBe('april');
    expect((await resolveProfile('february', app, 'april')).name).toBe('february');
  });

  it('a profile with an unknown variable or a bad fixed URL is refused with its JSON path', async () => {
    const base = { name: 'p', migrate: { args: ['migrate', '.', 'up'] }, auth: { header: 'x', apiKey: 'k' }, ready: { probe: { path: '/' } } };
    const withEnv = await scenario({ ...base, env: { PORT: '${httpPrt}' } });
    expect((await errorOf(loadProfile(withEnv))).message).toContain('env.PORT: ${httpPrt} is not a variable a profile can use');
    const fixed = await scenario({ ...base, database: { mode: 'fixed', url: 'postgres://localhost/db' } });
    expect((await errorOf(loadProfile(fixed))).message).toContain('database.url: must be a postgres:// URL with a user, password');
  });
});
