import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/types/run.js';

/**
 * Every scenario of fixtures/mesh/scenarios/ was recorded with a real meshc
 * (fixtures/real-meshc/<dialect>/<scenario>.json, written by scripts/record-real.js). Its
 * fake-meshc rules must replay that record: the double, given the same program and the same
 * `meshc build` arguments, prints what the real compiler printed and its "binary" does what
 * the real binary did. Only what differs from run to run or machine to machine is masked.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const FAKE = join(ROOT, 'test/support/fake-meshc');
const SCENARIOS = join(ROOT, 'fixtures/mesh/scenarios');
const RECORDS = join(ROOT, 'fixtures/real-meshc');

interface RealRecord {
  program: string;
  dialect: string;
  source: Record<string, string>;
  cases: Array<{ mode: string; build: RunRecord; run?: RunRecord }>;
}

/** Scenario × rules file: the version differential's baseline rules replay the other compiler. */
const replays = readdirSync(SCENARIOS, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) =>
    ['fake-meshc.rules.json', 'fake-meshc.baseline.rules.json']
      .filter((f) => existsSync(join(SCENARIOS, d.name, f)))
      .map((rules) => ({ scenario: d.name, rules, dialect: (JSON.parse(readFileSync(join(SCENARIOS, d.name, rules), 'utf8')) as { dialect: string }).dialect })),
  );

/**
 * Masks what no double can reproduce: process and thread ids, heap addresses, the frames of
 * a forced Rust backtrace and the rustc source prefix. Also the blank line Rust prints before
 * each `thread '…' panicked at` line, which the double leaves out.
 */
function mask(text: string): string {
  return text
    .replace(/\(\d+\) panicked at/g, '(<pid>) panicked at')
    .replace(/0x[0-9a-f]+/g, '0x<addr>')
    .replace(/\/rustc\/[0-9a-f]+\//g, '')
    .replace(/^stack backtrace:\n(?:(?: {2,}\d+:| {10,}at ).*\n)*/gm, 'stack backtrace:\n<frames>\n')
    .replace(/^\n(?=thread '[^']*' \(<pid>\) panicked at)/gm, '');
}

function scenarioSource(scenario: string): Record<string, string> {
  const dir = join(SCENARIOS, scenario);
  const walk = (sub: string): string[] =>
    readdirSync(join(dir, sub), { withFileTypes: true }).flatMap((e) => {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      return e.isDirectory() ? walk(rel) : e.name.endsWith('.mpl') ? [rel] : [];
    });
  const rels = walk('').sort();
  return Object.fromEntries(['main.mpl', ...rels.filter((r) => r !== 'main.mpl')].map((r) => [r, readFileSync(join(dir, r), 'utf8')]));
}

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'scenario-records-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('scenario rules replay the real meshc records', () => {
  it('covers every scenario', () => {
    expect(replays.map((r) => r.scenario)).toEqual(expect.arrayContaining(readdirSync(SCENARIOS, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)));
  });

  it.each(replays)('$scenario ($rules, $dialect)', async ({ scenario, rules, dialect }) => {
    const record = JSON.parse(readFileSync(join(RECORDS, dialect, `${scenario}.json`), 'utf8')) as RealRecord;
    // A changed scenario must be recorded again (npm run record:real).
    expect(record.source, `re-record ${scenario}: npm run record:real -- fixtures/mesh/scenarios/${scenario}`).toEqual(scenarioSource(scenario));

    for (const { mode, build, run } of record.cases) {
      const dir = mkdtempSync(join(work, `${scenario}-${mode}-`));
      cpSync(join(SCENARIOS, scenario), join(dir, 'project'), { recursive: true });
      const env = { FAKE_MESHC_RULES: join(SCENARIOS, scenario, rules) };
      const fake = await execa(FAKE, build.argv.slice(1), { cwd: dir, env, reject: false, stdin: 'ignore', stripFinalNewline: false });
      const where = `${scenario} ${mode} build`;
      expect({ exitCode: fake.exitCode ?? null, signal: fake.signal ?? null }, where).toEqual({ exitCode: build.exitCode, signal: build.signal });
      expect(fake.stdout, where).toBe(build.stdout);
      expect(mask(fake.stderr), where).toBe(mask(build.stderr));
      if (!run) continue;
      const ran = await execa('./project/project', [], { cwd: dir, reject: false, stdin: 'ignore', stripFinalNewline: false });
      expect({ exitCode: ran.exitCode ?? null, signal: ran.signal ?? null, stdout: ran.stdout }, `${scenario} ${mode} run`).toEqual({ exitCode: run.exitCode, signal: run.signal, stdout: run.stdout });
      expect(mask(ran.stderr), `${scenario} ${mode} run`).toBe(mask(run.stderr));
    }
  });
});
