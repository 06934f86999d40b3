/**
 * Test helpers for the Mesher harness without a real meshc: a small app folder (Mesh files
 * written here, never compiled for real) and a fake-meshc (the meshc TEST DOUBLE) whose
 * rules "build" it into test/support/mesher-standin.mjs, a STAND-IN server whose behaviour
 * the rules set. See docs/fake-meshc.md ("Stand-in servers").
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFakeMeshc, type FakeMeshc, type FakeRule } from './fake-meshc.js';

export const STANDIN_SCHEMA = join(import.meta.dirname, 'mesher-standin-schema.sql');

/** What the stand-in does (the JSON next to its "binary"; read by mesher-standin.mjs). */
export interface StandinBehaviour {
  /** Environment variable names it reads (defaults: PORT, MESHER_WS_PORT, DATABASE_URL). */
  env?: { httpPort?: string; wsPort?: string; databaseUrl?: string };
  /** A built-in database URL (the app ignores its environment for it). */
  databaseUrl?: string;
  startup?: { logs?: string[]; exit?: number; message?: string; delayMs?: number; neverReady?: boolean };
  ignoreSigterm?: boolean;
  faults?: Array<{
    on?: { method?: string; path?: string; from?: number };
    do: 'crash' | 'panic' | 'handler-panic' | 'hang' | 'status' | 'grow-threads' | 'grow-memory';
    signal?: string;
    status?: number;
    body?: unknown;
    message?: string;
    every?: number;
    kb?: number;
    delayMs?: number;
  }>;
}

export interface StandinApp {
  /** The app folder (main.mpl, config.mpl, migrations/). */
  dir: string;
  meshc: FakeMeshc;
  cleanup(): Promise<void>;
}

export interface StandinOptions {
  dialect?: 'february' | 'april';
  server?: StandinBehaviour;
  /** The migration: SQL to apply (default: the stand-in schema) or a failure message. */
  migrate?: { sql?: string[]; fail?: string };
  /** Extra rules tried before the stand-in rule (e.g. a build failure). */
  rules?: FakeRule[];
  /** Leave out main.mpl. */
  noMain?: boolean;
}

export async function makeStandinApp(options: StandinOptions = {}): Promise<StandinApp> {
  const dir = await mkdtemp(join(tmpdir(), 'mesher-standin-app-'));
  await mkdir(join(dir, 'migrations'));
  if (!options.noMain) await writeFile(join(dir, 'main.mpl'), 'fn main() do\n  println("stand-in app: the fake meshc replaces this with a stand-in server")\nend\n');
  if ((options.dialect ?? 'april') === 'april') await writeFile(join(dir, 'config.mpl'), 'pub fn http_port() -> Int do\n  8080\nend\n');
  await writeFile(join(dir, 'migrations', '20260101000000_create_schema.mpl'), 'pub fn up(pool) do\n  0\nend\n');
  const schema = await readFile(STANDIN_SCHEMA, 'utf8');
  const meshc = await makeFakeMeshc({
    dialect: options.dialect ?? 'april',
    rules: [...(options.rules ?? []), { name: 'mesher-standin', then: { run: { server: options.server ?? {} } } }],
    migrate: options.migrate ?? { sql: [schema] },
  });
  return {
    dir,
    meshc,
    async cleanup() {
      await meshc.cleanup();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
