import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import chalk from 'chalk';
import { ExitCode, UserError } from '../../types/index.js';
import { checkFiles, formatIssue, walkMeshFiles, type CheckedFile } from '../../syntax/index.js';
import { printError } from '../output.js';
import type { SetExitCode } from './index.js';

interface ParseOptions {
  tree?: boolean;
  json?: boolean;
  quiet?: boolean;
  jobs?: string;
}

/** `mesher-triage parse <file|dir>...`: syntax-check Mesh files with tree-sitter-mesh. */
export function register(program: Command, setExitCode: SetExitCode): void {
  program
    .command('parse')
    .description('Parse Mesh files (.mpl, .mesh) and report syntax errors; directories are walked')
    .argument('<paths...>', 'files or directories')
    .option('--tree', 'print each file\'s syntax tree as an S-expression')
    .option('--json', 'print one JSON document (streamed file by file)')
    .option('-q, --quiet', 'print only errors')
    .option('-j, --jobs <n>', 'parse in n worker threads (default: one per core for trees over 2 MiB per worker, else 1)')
    .addHelpText('after', '\nExit codes: 0 all files parse, 1 some file has syntax errors, 2 usage error, 3 unreadable input.')
    .action(async (paths: string[], options: ParseOptions) => {
      setExitCode(await runParse(paths, options));
    });
}

export async function runParse(paths: string[], options: ParseOptions): Promise<number> {
  const workers = options.jobs === undefined ? undefined : Number(options.jobs);
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 1)) {
    throw new UserError(`invalid --jobs '${options.jobs}'`, ExitCode.USAGE, 'use a whole number of at least 1');
  }
  const out = options.json ? new JsonReport() : new TextReport(options);
  let sawErrors = false;
  let sawUnreadable = false;
  out.begin();
  for (const path of paths) {
    const files = [];
    for await (const file of filesOf(path)) files.push(file);
    // Files are parsed in parallel (worker threads) and reported in order.
    for await (const result of checkFiles(files, { withTree: options.tree === true, workers })) {
      if ('unreadable' in result) {
        sawUnreadable = true;
        await out.unreadable(result.unreadable.path, result.unreadable);
        continue;
      }
      if (result.file.errors.length > 0) sawErrors = true;
      await out.file(result.file);
    }
    if (files.length === 0) {
      sawUnreadable = true;
      await out.unreadable(path, new UserError(`no .mpl or .mesh files under ${path}`, ExitCode.INPUT, 'dot-directories are skipped; pass the directory that holds the Mesh sources'));
    }
  }
  await out.end();
  if (sawUnreadable) return ExitCode.INPUT;
  return sawErrors ? ExitCode.FINDINGS : ExitCode.OK;
}

/** A file argument yields itself; a directory yields its Mesh files (including *.test.mpl). */
async function* filesOf(path: string): AsyncGenerator<string> {
  let isDir = false;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch {
    // Missing paths are reported by readMeshFile with the usual message and hint.
  }
  if (!isDir) {
    yield path;
    return;
  }
  for await (const rel of walkMeshFiles(path, { skipTests: false })) yield join(path, rel);
}

/** Writes to stdout and waits when the pipe is full, so huge outputs stay streamed. */
async function write(text: string): Promise<void> {
  if (!process.stdout.write(text)) await new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()));
}

interface Report {
  begin(): void;
  file(checked: CheckedFile): Promise<void>;
  unreadable(path: string, err: UserError): Promise<void>;
  end(): Promise<void>;
}

/** What a text run checked, for its closing line. */
export interface ParseTally {
  files: number;
  withErrors: number;
  errors: number;
  unreadable: number;
}

/** `parsed 40 files in 1.2 s: 33 ok, 6 with syntax errors (9 errors), 1 unreadable` */
export function summaryLine(t: ParseTally, ms: number): string {
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const time = ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
  const parts = [`${t.files - t.withErrors - t.unreadable} ok`];
  if (t.withErrors > 0) parts.push(`${t.withErrors} with syntax errors (${plural(t.errors, 'error')})`);
  if (t.unreadable > 0) parts.push(`${t.unreadable} unreadable`);
  return `parsed ${plural(t.files, 'file')} in ${time}: ${parts.join(', ')}`;
}

class TextReport implements Report {
  private readonly started = performance.now();
  private readonly tally: ParseTally = { files: 0, withErrors: 0, errors: 0, unreadable: 0 };
  constructor(private readonly options: ParseOptions) {}
  begin(): void {}
  async file(checked: CheckedFile): Promise<void> {
    this.tally.files++;
    if (checked.errors.length > 0) this.tally.withErrors++;
    this.tally.errors += checked.errors.length;
    if (checked.errors.length === 0) {
      if (!this.options.quiet) await write(`${checked.path}: ${chalk.green('ok')}\n`);
    } else {
      await write(`${checked.errors.map((issue) => formatIssue(checked.path, issue)).join('\n')}\n`);
    }
    if (checked.tree !== undefined) await write(`${checked.tree}\n`);
  }
  async unreadable(_path: string, err: UserError): Promise<void> {
    this.tally.files++;
    this.tally.unreadable++;
    printError(err.message, err.hint);
  }
  async end(): Promise<void> {
    // One file's own line says it all; --quiet prints only errors.
    if (this.tally.files > 1 && !this.options.quiet) await write(`${summaryLine(this.tally, performance.now() - this.started)}\n`);
  }
}

class JsonReport implements Report {
  private first = true;
  private files = 0;
  private failed = 0;
  private unreadableCount = 0;
  private issues = 0;
  begin(): void {
    process.stdout.write('{\n  "files": [');
  }
  private async entry(value: unknown): Promise<void> {
    await write(`${this.first ? '\n' : ',\n'}    ${JSON.stringify(value)}`);
    this.first = false;
  }
  async file(checked: CheckedFile): Promise<void> {
    this.files++;
    if (checked.errors.length > 0) this.failed++;
    this.issues += checked.errors.length;
    await this.entry({ path: checked.path, ok: checked.errors.length === 0, errors: checked.errors, ...(checked.tree !== undefined ? { tree: checked.tree } : {}) });
  }
  async unreadable(path: string, err: UserError): Promise<void> {
    this.files++;
    this.unreadableCount++;
    await this.entry({ path, ok: false, unreadable: { message: err.message, hint: err.hint ?? null }, errors: [] });
  }
  async end(): Promise<void> {
    const summary = { files: this.files, withErrors: this.failed, unreadable: this.unreadableCount, errors: this.issues };
    await write(`${this.first ? '' : '\n  '}],\n  "summary": ${JSON.stringify(summary)}\n}\n`);
  }
}
