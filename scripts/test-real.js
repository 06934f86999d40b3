#!/usr/bin/env node
// `npm run test:real`: runs test/real/*.test.ts against real meshc compilers.
//   MESHC=/path/to/meshc            the compiler under test (MESHC_NEW is accepted too)
//   MESHC_BASELINE=/path/to/meshc   optional second compiler for the version differential
//                                   (MESHC_OLD is accepted too)
// Without MESHC it looks where docs/toolchain.md says to put the compilers:
//   ${MESHER_TRIAGE_COMPILERS:-~/.cache/mesher-triage/meshc}/{april,february}/meshc
// and runs the suite both ways (April against February, then February against April).
// With no compiler at all it says SKIPPED and exits 0, so CI without meshc stays green.
// The Mesher suite (test/real/mesher.test.ts) runs the real apps named by MESHER_APP_APRIL and
// MESHER_APP_FEBRUARY, by default ${MESHER_TRIAGE_APPS:-~/.cache/mesher-triage/mesher}/{april,february}
// when they hold a main.mpl (docs/mesher.md, "With real compilers").
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { accessSync, constants, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

const env = { ...process.env };
const explicit = env.MESHC || env.MESHC_NEW || '';
for (const dialect of ['april', 'february']) {
  const name = `MESHER_APP_${dialect.toUpperCase()}`;
  const dir = join(env.MESHER_TRIAGE_APPS || join(homedir(), '.cache/mesher-triage/mesher'), dialect);
  if (!env[name] && existsSync(join(dir, 'main.mpl'))) env[name] = dir;
}

/** The compilers found in the documented place, by dialect. */
function cachedCompilers() {
  const root = env.MESHER_TRIAGE_COMPILERS || join(homedir(), '.cache/mesher-triage/meshc');
  const found = {};
  for (const dialect of ['april', 'february']) {
    const path = join(root, dialect, 'meshc');
    try {
      accessSync(path, constants.X_OK);
      found[dialect] = path;
    } catch {
      // not there: that direction is skipped
    }
  }
  return { root, found };
}

let runs;
if (explicit) {
  runs = [{ meshc: explicit, baseline: env.MESHC_BASELINE || env.MESHC_OLD || '' }];
} else {
  const { root, found } = cachedCompilers();
  if (!found.april && !found.february) {
    console.log(`test:real: SKIPPED — no real meshc: set MESHC=/path/to/meshc, or put compilers in ${root}/{april,february}/meshc (docs/toolchain.md)`);
    process.exit(0);
  }
  runs = [
    found.april && { meshc: found.april, baseline: found.february ?? '' },
    found.february && { meshc: found.february, baseline: found.april ?? '' },
  ].filter(Boolean);
}

for (const run of runs) {
  for (const [name, path] of [['MESHC', run.meshc], ['MESHC_BASELINE', run.baseline]]) {
    if (path && !existsSync(path)) {
      console.error(`test:real: ${name}=${path} does not exist`);
      process.exit(5);
    }
  }
}

const vitest = resolve(createRequire(import.meta.url).resolve('vitest/package.json'), '..', 'vitest.mjs');
let failed = 0;
for (const run of runs) {
  console.log(`test:real: meshc = ${run.meshc}${run.baseline ? `, baseline = ${run.baseline}` : ''}`);
  // The real suite shares the machine with LLVM: one test file at a time.
  const result = spawnSync(process.execPath, [vitest, 'run', 'test/real', '--no-file-parallelism', ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...env, MESHC: run.meshc, MESHC_BASELINE: run.baseline, MESHC_REAL: '1' },
  });
  if (result.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
