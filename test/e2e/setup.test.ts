import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// What scripts/setup.sh relies on to install quietly and build better-sqlite3 from source
// (running the whole set-up takes minutes: these check its two settings in place).
const ROOT = resolve(import.meta.dirname, '../..');
const env = { ...process.env, npm_config_build_from_source: undefined, npm_config_loglevel: 'info' };

describe('scripts/setup.sh settings', () => {
  it('prebuild-install, run as better-sqlite3 runs it, skips the download (.prebuild-installrc)', () => {
    const sqlite = dirname(createRequire(join(ROOT, 'package.json')).resolve('better-sqlite3/package.json'));
    const bin = createRequire(join(sqlite, 'package.json')).resolve('prebuild-install/bin.js');
    const run = spawnSync(process.execPath, [bin], { cwd: sqlite, env, encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toContain('--build-from-source specified, not attempting download.');
    expect(run.stderr).not.toContain('http request');
    expect(run.status).toBe(1); // "no prebuilt binary": the install script goes on to node-gyp
  });

  it('every installed package with an install script is approved in package.json#allowScripts (no npm warning)', () => {
    const run = spawnSync('npm', ['install-scripts', 'ls', '--json'], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
    // npm before 11.x has no allowScripts policy, and no warning to avoid.
    if (run.status !== 0 && /Unknown command/i.test(run.stderr + run.stdout)) return;
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ allowScripts: [] });
  });
});
