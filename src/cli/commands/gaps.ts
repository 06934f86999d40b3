import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import chalk from 'chalk';
import { ExitCode, UserError, type GapStatus, type KnownGap } from '../../types/index.js';
import { GAP_CATALOG, activeGaps, findGap, renderJson, renderSarif, renderText, scanPaths, type ScanDialect, type ScanOptions } from '../../gaps/index.js';
import type { ReadOnlyJournal } from '../../journal/index.js';
import { printJson, printWarning } from '../output.js';
import { openJournalReadOnlyFromOptions, openJournalReadOnlyIfExists } from './journal.js';
import type { SetExitCode } from './index.js';

const TOOL_VERSION = '0.1.0';
const FORMATS = ['text', 'json', 'sarif'] as const;
type ScanFormat = (typeof FORMATS)[number];

interface ScanFlags {
  format: string;
  json?: boolean;
  output?: string;
  dialect: string;
  all?: boolean;
  only?: string;
  workarounds: boolean;
}

/** `mesher-triage gaps list|show|scan`: the known-gap catalog and the risky-shape scanner. */
export function register(program: Command, setExitCode: SetExitCode): void {
  const gaps = program.command('gaps').description('Known Mesh compiler gaps and runtime limits: list, show, scan code for risky shapes');

  gaps
    .command('list')
    .description("List the known gaps (key, kind, stage, status per dialect: the journal's when there is one, else the catalog's)")
    .option('--json', 'print the full catalog as JSON (with journalStatus when a journal exists)')
    .option('--journal <path>', JOURNAL_HELP)
    .action((options: { json?: boolean; journal?: string }) => {
      const journal = journalStatuses(options);
      if (options.json) printJson(GAP_CATALOG.map((gap) => withJournalStatus(gap, journal)));
      else {
        process.stdout.write(`${listText(GAP_CATALOG, journal)}\n`);
        if (journal) process.stderr.write(chalk.dim(`statuses from the journal ${journal.path}; (catalog: ...) where the catalog says otherwise\n`));
      }
      setExitCode(ExitCode.OK);
    });

  gaps
    .command('show')
    .description('Show everything about one gap: trigger, workaround, status, probe or measurement, detection queries')
    .argument('<key>', 'gap key (see `gaps list`)')
    .option('--json', 'print the entry as JSON (with journalStatus when a journal exists)')
    .option('--journal <path>', JOURNAL_HELP)
    .action((key: string, options: { json?: boolean; journal?: string }) => {
      const gap = findGap(key);
      if (!gap) throw new UserError(`unknown gap '${key}'`, ExitCode.USAGE, `known keys: ${GAP_CATALOG.map((g) => g.key).join(', ')}`);
      const journal = journalStatuses(options);
      if (options.json) printJson(withJournalStatus(gap, journal));
      else process.stdout.write(`${showText(gap, journal)}\n`);
      setExitCode(ExitCode.OK);
    });

  gaps
    .command('scan')
    .description('Find code shapes that trigger known gaps (directories are scanned as projects)')
    .argument('<paths...>', 'Mesh files or project directories')
    .option('--format <format>', 'text | json | sarif', 'text')
    .option('--json', 'the same as --format json')
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--dialect <dialect>', 'february | april | any: report gaps still open in that compiler', 'any')
    .option('--all', 'also report gaps fixed in every selected dialect')
    .option('--only <keys>', 'only these gap keys (comma-separated)')
    .option('--no-workarounds', 'leave out known workaround sites')
    .addHelpText(
      'after',
      '\nOutput (text): file:line:col gap-key message. Workaround sites are informational.\n' +
        'Exit codes: 0 no risky finding, 1 risky findings, 2 usage error, 3 unreadable input (missing or unreadable path, a folder without Mesh files).',
    )
    .action(async (paths: string[], flags: ScanFlags) => {
      setExitCode(await runScan(paths, flags));
    });
}

function scanOptions(flags: ScanFlags): ScanOptions & { dialects: ScanDialect[] } {
  const dialects: ScanDialect[] =
    flags.dialect === 'any' ? ['february', 'april'] : flags.dialect === 'february' || flags.dialect === 'april' ? [flags.dialect] : [];
  if (dialects.length === 0) throw new UserError(`unknown dialect '${flags.dialect}'`, ExitCode.USAGE, 'use february, april or any');
  const only = flags.only?.split(',').map((k) => k.trim()).filter((k) => k !== '');
  for (const key of only ?? []) {
    if (!findGap(key)) throw new UserError(`unknown gap '${key}' in --only`, ExitCode.USAGE, 'run `mesher-triage gaps list` for the keys');
  }
  return { dialects, includeFixed: flags.all === true, only, workarounds: flags.workarounds };
}

async function runScan(paths: string[], flags: ScanFlags): Promise<number> {
  if (!(FORMATS as readonly string[]).includes(flags.format)) {
    throw new UserError(`unknown format '${flags.format}'`, ExitCode.USAGE, 'use text, json or sarif');
  }
  if (flags.json && flags.format === 'sarif') throw new UserError('--json and --format sarif ask for two formats', ExitCode.USAGE, 'pass one of them');
  const format = flags.json ? 'json' : (flags.format as ScanFormat);
  const options = scanOptions(flags);
  const result = await scanPaths(paths, options);
  for (const file of result.filesWithSyntaxErrors) printWarning(`${file} has syntax errors; findings there may be incomplete`);
  let report: string;
  if (format === 'json') report = `${JSON.stringify(renderJson(result), null, 2)}\n`;
  else if (format === 'sarif') report = `${JSON.stringify(renderSarif(result, GAP_CATALOG, { toolVersion: TOOL_VERSION, baseDir: process.cwd() }), null, 2)}\n`;
  else {
    const text = renderText(result.findings);
    report = text ? `${text}\n` : '';
  }
  if (flags.output) {
    try {
      await writeFile(resolve(flags.output), report);
    } catch (err) {
      throw new UserError(`cannot write ${flags.output}: ${(err as Error).message}`, ExitCode.INPUT, 'check the directory exists and is writable');
    }
  } else {
    process.stdout.write(report);
  }
  const risky = result.findings.filter((f) => f.kind === 'risky').length;
  if (format === 'text' && !flags.output) {
    const workarounds = result.findings.length - risky;
    // The scanner's own selection with and without the fixed gaps: the difference went unchecked.
    const unchecked = activeGaps({ ...options, includeFixed: true }).length - activeGaps(options).length;
    const note = unchecked > 0 ? `; ${unchecked} gap(s) fixed in ${options.dialects.join(' and ')} not checked (--all checks them)` : '';
    process.stderr.write(chalk.dim(`${result.files.length} file(s) scanned: ${risky} risky, ${workarounds} workaround site(s)${note}\n`));
  }
  return risky > 0 ? ExitCode.FINDINGS : ExitCode.OK;
}

const JOURNAL_HELP = 'journal whose gap statuses to show (default: $MESHER_TRIAGE_JOURNAL or .mesher-triage/journal.db, when it exists)';
const DIALECTS = ['february', 'april'] as const;
type Dialect = (typeof DIALECTS)[number];

/** Gap statuses recorded in a journal (by `gate --update`), by gap key and dialect. */
interface JournalStatuses {
  path: string;
  byKey: Map<string, Partial<Record<Dialect, GapStatus>>>;
}

/**
 * The journal's gap statuses, read-only: the journal named by --journal (which must exist),
 * else $MESHER_TRIAGE_JOURNAL or the default one when it exists. Never creates a journal.
 */
function journalStatuses(options: { journal?: string }): JournalStatuses | undefined {
  const journal: ReadOnlyJournal | undefined = options.journal !== undefined ? openJournalReadOnlyFromOptions(options) : openJournalReadOnlyIfExists(options);
  if (!journal) return undefined;
  try {
    const byKey = new Map<string, Partial<Record<Dialect, GapStatus>>>();
    for (const gap of journal.listGaps()) {
      const statuses: Partial<Record<Dialect, GapStatus>> = {};
      for (const d of gap.dialects) if ((DIALECTS as readonly string[]).includes(d.dialect)) statuses[d.dialect as Dialect] = d.status;
      byKey.set(gap.key, statuses);
    }
    return { path: journal.path, byKey };
  } finally {
    journal.close();
  }
}

function withJournalStatus(gap: KnownGap, journal: JournalStatuses | undefined): KnownGap & { journalStatus?: Partial<Record<Dialect, GapStatus>> } {
  const recorded = journal?.byKey.get(gap.key);
  return recorded ? { ...gap, journalStatus: recorded } : gap;
}

/** A dialect's status: the journal's, with the catalog's beside it when they differ. */
function statusCell(gap: KnownGap, dialect: Dialect, journal: JournalStatuses | undefined): string {
  const recorded = journal?.byKey.get(gap.key)?.[dialect];
  if (recorded === undefined || recorded === gap.status[dialect]) return gap.status[dialect];
  return `${recorded} (catalog: ${gap.status[dialect]})`;
}

function listText(catalog: readonly KnownGap[], journal?: JournalStatuses): string {
  const rows = catalog.map((g) => [g.key, g.kind, g.stage, statusCell(g, 'february', journal), statusCell(g, 'april', journal), g.title]);
  const header = ['KEY', 'KIND', 'STAGE', 'FEBRUARY', 'APRIL', 'TITLE'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

function showText(gap: KnownGap, journal?: JournalStatuses): string {
  const out: string[] = [
    `${chalk.bold(gap.key)} — ${gap.title}`,
    `kind:        ${gap.kind}`,
    `stage:       ${gap.stage}`,
    `status:      february ${statusCell(gap, 'february', journal)}, april ${statusCell(gap, 'april', journal)}`,
  ];
  if (journal?.byKey.has(gap.key)) out.push(`             (from the journal ${journal.path})`);
  if (gap.fixedIn) out.push(`fixed in:    ${gap.fixedIn}`);
  for (const dialect of ['february', 'april'] as const) {
    const v = gap.verified?.[dialect];
    if (v) out.push(`verified:    ${dialect} ${v.snapshot} on ${v.date}: ${v.evidence}`);
  }
  out.push('', 'trigger:', `  ${gap.trigger}`, '', 'workaround:', `  ${gap.workaround}`, '', 'signature patterns:');
  for (const p of gap.signaturePatterns) out.push(`  /${p}/i`);
  if (gap.probe) out.push('', `probe:       ${gap.probe}`);
  if (gap.measurement) out.push('', 'measurement:', `  ${gap.measurement}`);
  if (gap.detection.risky) out.push('', 'detection (risky):', ...gap.detection.risky.split('\n').map((l) => `  ${l}`));
  if (gap.detection.workaround) out.push('', 'detection (workaround):', ...gap.detection.workaround.split('\n').map((l) => `  ${l}`));
  return out.join('\n');
}
