import { createWriteStream, type WriteStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildCandidate, runProcess, startServer, type BuiltCandidate, type ProcessRecord, type ServerExit, type ServerProcess } from '../toolchain/index.js';
import { ExitCode, UserError, type Candidate } from '../types/index.js';
import { assertDirectory } from '../syntax/index.js';

const MAX_FILES = 2_000;
/** Folders meshc would compile but an app keeps no Mesh code in (front-end packages). */
const SKIP_DIRS = new Set(['node_modules', 'target']);

/**
 * The app's Mesh sources (and mesh.toml), as meshc would compile them: every `.mpl` under
 * the folder except hidden folders. Built from a copy, so a run never writes into the app
 * (and two runs never race on its object files).
 */
export async function loadApp(appDir: string): Promise<Candidate> {
  await assertDirectory(appDir, 'pass the Mesher folder (the one holding main.mpl)');
  const files = new Map<string, string>();
  const walk = async (rel: string): Promise<void> => {
    for (const entry of await readdir(join(appDir, rel), { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) await walk(path);
      } else if (entry.isFile() && (entry.name.endsWith('.mpl') || path === 'mesh.toml')) {
        if (files.size >= MAX_FILES) throw new UserError(`${appDir} holds more than ${MAX_FILES} Mesh files`, ExitCode.INPUT, 'pass the Mesher folder itself, not a folder above it');
        files.set(path, await readFile(join(appDir, path), 'utf8'));
      }
    }
  };
  await walk('');
  if (!files.has('main.mpl')) {
    const count = [...files.keys()].filter((p) => p.endsWith('.mpl')).length;
    throw new UserError(
      `${appDir} has no main.mpl (found ${count} other Mesh file${count === 1 ? '' : 's'}): meshc builds an app from its main.mpl`,
      ExitCode.INPUT,
      'pass the Mesher folder itself (e.g. hyperpush-mono/mesher or mesh-lang/mesher)',
    );
  }
  return files;
}

export function buildApp(app: Candidate, meshc: string, timeoutMs: number, keep: boolean, signal?: AbortSignal): Promise<BuiltCandidate> {
  return buildCandidate(app, { meshc, timeoutMs, keep, signal });
}

/** `meshc migrate …` in the built copy of the app, with DATABASE_URL set. */
export function migrateApp(meshc: string, args: string[], dir: string, databaseUrl: string, timeoutMs: number, signal?: AbortSignal): Promise<ProcessRecord> {
  return runProcess(meshc, args, { cwd: dir, env: { DATABASE_URL: databaseUrl, RUST_BACKTRACE: '0' }, timeoutMs, signal });
}

/** Everything the app printed, as lines (stdout and stderr interleaved as they came). */
export class AppLog {
  private readonly lines: string[] = [];
  private partial = '';
  private dropped = 0;
  private readonly file: WriteStream | undefined;

  constructor(
    private readonly keepLines = 5_000,
    filePath?: string,
  ) {
    this.file = filePath ? createWriteStream(filePath) : undefined;
    this.file?.on('error', () => undefined);
  }

  add(text: string): void {
    this.file?.write(text);
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.push(line);
  }

  /** Line number (from 0) the next line will get. */
  get mark(): number {
    return this.dropped + this.lines.length;
  }

  /** Lines from `mark` on (those still kept), plus the unfinished last line. */
  since(mark: number): string[] {
    const from = Math.max(0, mark - this.dropped);
    return [...this.lines.slice(from), ...(this.partial ? [this.partial] : [])];
  }

  text(): string {
    return this.since(0).join('\n');
  }

  close(): Promise<void> {
    if (this.partial) this.push(this.partial);
    this.partial = '';
    return new Promise((resolve) => (this.file ? this.file.end(resolve) : resolve()));
  }

  private push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.keepLines) {
      this.lines.shift();
      this.dropped++;
    }
  }
}

export interface RunningApp {
  process: ServerProcess;
  log: AppLog;
  alive(): boolean;
  exit(): ServerExit | null;
}

export function startApp(binary: string, cwd: string, env: Record<string, string | undefined>, log: AppLog): RunningApp {
  const process = startServer(binary, [], { cwd, env, onOutput: (_stream, text) => log.add(text) });
  return { process, log, alive: () => process.exit() === null, exit: () => process.exit() };
}
