/**
 * Test helpers for fake-meshc, the TEST DOUBLE of meshc (see docs/fake-meshc.md).
 * `makeFakeMeshc(rules)` writes a rules file and a wrapper script named `meshc` that runs
 * the double with those rules, so each fake compiler is just a path: two of them with
 * different rules make a version differential, and nothing leaks through process.env.
 */
import { mkdtemp, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FAKE_MESHC_PATH = resolve(dirname(fileURLToPath(import.meta.url)), 'fake-meshc');

export interface FakeDiagnostic {
  code?: string;
  /** Human headline (ariadne); defaults to `message`. */
  headline?: string;
  /** JSON `message`; defaults to `headline`. */
  message?: string;
  file?: string;
  line?: number;
  col?: number;
  length?: number;
  /** Regex: the diagnostic points at its first match in the file. */
  at?: string;
  /** Byte offsets as meshc's JSON reports them (end exclusive); the human report reads them as characters, like ariadne. */
  start?: number;
  end?: number;
  label?: string;
  help?: string;
  note?: string;
  fix?: string | null;
  jsonSeverity?: string;
  /** The JSON span label when it differs from the human `label`. */
  jsonLabel?: string;
}

export type FakeBuildOutcome =
  | { kind?: 'ok'; warnings?: FakeDiagnostic[]; codegenWarnings?: string[] }
  | ({ kind: 'parse-error'; errors?: FakeDiagnostic[] } & FakeDiagnostic)
  | ({ kind: 'type-error'; errors?: FakeDiagnostic[]; warnings?: FakeDiagnostic[] } & FakeDiagnostic)
  | { kind: 'llvm-verify'; text?: string }
  | { kind: 'error'; message?: string }
  | { kind: 'link'; stderr?: string }
  | { kind: 'runtime-missing' }
  | { kind: 'panic'; message?: string; location?: string; backtrace?: string[] }
  | { kind: 'stack-overflow' }
  | { kind: 'signal'; signal?: string; stderr?: string }
  | { kind: 'hang'; grandchildPidFile?: string };

export interface FakeRunOutcome {
  stdout?: string;
  stderr?: string;
  exitCode?: number;
  panic?: string;
  runtimePanic?: string;
  signal?: string;
  hang?: boolean;
  grandchildPidFile?: string;
  /** The runtime's `[mesh-rt] HTTP server listening on …:<port>` line, worded by dialect. */
  listening?: number;
  /** Build a stand-in server instead (test/support/mesher-standin.mjs; its behaviour: see mesher-standin.ts). */
  server?: object;
}

export interface FakeRule {
  name?: string;
  when?: {
    source?: string;
    notSource?: string;
    inFile?: string;
    hasFile?: string;
    optLevel?: number | number[];
    json?: boolean;
    emitLlvm?: boolean;
    multiModule?: boolean;
    imports?: string;
  };
  then?: { build?: FakeBuildOutcome; run?: FakeRunOutcome };
}

export interface FakeMeshcRules {
  dialect?: 'february' | 'april';
  version?: string;
  rules?: FakeRule[];
  /** What `meshc migrate` does (fake-meshc-migrate.mjs): SQL applied with the first pending migration, or a failure. */
  migrate?: { sql?: string[]; fail?: string };
}

export interface FakeMeshcInvocation {
  double: 'fake-meshc';
  argv: string[];
  cwd: string;
  files: string[];
  rule: string | number | null;
}

export interface FakeMeshc {
  /** Executable to pass as `meshc` (a wrapper named `meshc`). */
  path: string;
  /** The folder holding the wrapper (put it on PATH to test PATH lookup). */
  dir: string;
  rulesPath: string;
  /** Every invocation so far, oldest first. */
  invocations(): Promise<FakeMeshcInvocation[]>;
  cleanup(): Promise<void>;
}

export async function makeFakeMeshc(rules: FakeMeshcRules = {}): Promise<FakeMeshc> {
  const dir = await mkdtemp(join(tmpdir(), 'fake-meshc-'));
  const rulesPath = join(dir, 'rules.json');
  const logPath = join(dir, 'invocations.jsonl');
  await writeFile(rulesPath, JSON.stringify(rules, null, 2));
  const path = join(dir, 'meshc');
  const q = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;
  await writeFile(
    path,
    `#!/bin/sh\n# Wrapper for fake-meshc, a TEST DOUBLE of meshc.\n` +
      `FAKE_MESHC_RULES=${q(rulesPath)} FAKE_MESHC_LOG=${q(logPath)} exec ${q(process.execPath)} ${q(FAKE_MESHC_PATH)} "$@"\n`,
  );
  await chmod(path, 0o755);
  return {
    path,
    dir,
    rulesPath,
    async invocations() {
      const text = await readFile(logPath, 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as FakeMeshcInvocation);
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
