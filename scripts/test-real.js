#!/usr/bin/env node
// `npm run test:real`: runs test/real/*.test.ts against a real meshc.
//   MESHC=/path/to/meshc            the compiler under test (MESHC_NEW is accepted too)
//   MESHC_BASELINE=/path/to/meshc   optional second compiler for the version differential
//                                   (MESHC_OLD is accepted too)
// Without a compiler it says SKIPPED and exits 0, so CI without meshc stays green.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const env = { ...process.env };
env.MESHC ||= env.MESHC_NEW ?? '';
env.MESHC_BASELINE ||= env.MESHC_OLD ?? '';

if (!env.MESHC) {
  console.log('test:real: SKIPPED — set MESHC=/path/to/meshc to run against a real compiler');
  process.exit(0);
}
for (const name of ['MESHC', 'MESHC_BASELINE']) {
  if (env[name] && !existsSync(env[name])) {
    console.error(`test:real: ${name}=${env[name]} does not exist`);
    process.exit(5);
  }
}

console.log(`test:real: meshc = ${env.MESHC}${env.MESHC_BASELINE ? `, baseline = ${env.MESHC_BASELINE}` : ''}`);
const vitest = resolve(createRequire(import.meta.url).resolve('vitest/package.json'), '..', 'vitest.mjs');
// The real suite shares the machine with LLVM: one test file at a time.
const result = spawnSync(process.execPath, [vitest, 'run', 'test/real', '--no-file-parallelism', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...env, MESHC_REAL: '1' },
});
process.exit(result.status ?? 1);
