import { accessSync, constants as fsConstants, existsSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { ExitCode, UserError, usageError, type VerdictClass } from '../../types/index.js';
import { GAP_CATALOG } from '../../gaps/catalog.js';
import { FILTER_STATUSES, openJournal, openJournalReadOnly, parseStatus, resolveJournalPath, SETTABLE_STATUSES, type Journal, type ReadOnlyJournal } from '../../journal/index.js';
import { printJson } from '../output.js';
import { renderJournalHtml } from '../render/journal-html.js';
import { renderJournalMarkdown } from '../render/journal-md.js';
import { renderBugDetail, renderBugList, renderStats, renderUpdate } from '../render/journal-text.js';
import { readReproInput } from './journal-add.js';
import type { SetExitCode } from './index.js';

const CLASSES: readonly VerdictClass[] = ['compiler', 'app', 'known-gap', 'undetermined'];

interface JournalOptions {
  journal?: string;
}

/**
 * Opens the journal the user pointed at (--journal, $MESHER_TRIAGE_JOURNAL, or
 * .mesher-triage/journal.db) and brings the known-gap catalog into it.
 * Other commands (the CI gate) open the journal through this too.
 */
export function openJournalFromOptions(options: JournalOptions): Journal {
  const journal = openJournal(resolveJournalPath(options.journal));
  try {
    journal.seedGaps(GAP_CATALOG);
    return journal;
  } catch (err) {
    journal.close();
    throw err;
  }
}

/**
 * Opens the journal the user pointed at for reading only: nothing is created or written, so
 * it works on a read-only journal or folder; a missing journal is an error (exit 6). For
 * commands that only read the journal (journal list/show/stats/export, gap statuses).
 */
export function openJournalReadOnlyFromOptions(options: JournalOptions): ReadOnlyJournal {
  return openJournalReadOnly(resolveJournalPath(options.journal));
}

/** As openJournalReadOnlyFromOptions, but undefined when no journal exists yet (nothing recorded). */
export function openJournalReadOnlyIfExists(options: JournalOptions): ReadOnlyJournal | undefined {
  const path = resolveJournalPath(options.journal);
  return existsSync(path) ? openJournalReadOnly(path) : undefined;
}

/** Who is making a change, for the audit history. */
export function currentActor(): string {
  try {
    return userInfo().username || process.env.USER || 'unknown';
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

function withJournal<T>(command: Command, body: (journal: Journal) => T): T {
  return using(openJournalFromOptions(command.optsWithGlobals<JournalOptions>()), body);
}

/**
 * For commands that only read: a journal we may write is opened normally, so the known-gap
 * catalog is seeded into what they show; a read-only one is read as stored, never written.
 */
function withReadOnlyJournal<T>(command: Command, body: (journal: ReadOnlyJournal) => T): T {
  const options = command.optsWithGlobals<JournalOptions>();
  return using(isWritable(resolveJournalPath(options.journal)) ? openJournalFromOptions(options) : openJournalReadOnlyFromOptions(options), body);
}

function isWritable(path: string): boolean {
  try {
    accessSync(path, fsConstants.W_OK);
    accessSync(dirname(path), fsConstants.W_OK); // SQLite writes its -wal and -shm files beside the journal
    return true;
  } catch {
    return false;
  }
}

function using<J extends ReadOnlyJournal, T>(journal: J, body: (journal: J) => T): T {
  try {
    return body(journal);
  } finally {
    journal.close();
  }
}

function parseId(text: string): number {
  const id = Number(text.replace(/^#/, ''));
  if (!Number.isSafeInteger(id) || id < 1) throw usageError(`'${text}' is not a bug id`, 'ids are positive integers, as shown by `journal list`');
  return id;
}

function parseClass(text: string): VerdictClass {
  if (!(CLASSES as readonly string[]).includes(text)) throw usageError(`unknown class '${text}'`, `use one of: ${CLASSES.join(', ')}`);
  return text as VerdictClass;
}

/** `mesher-triage journal ...`: the compiler-bug journal. */
export function register(program: Command, setExitCode: SetExitCode): void {
  const journal = program
    .command('journal')
    .description('The compiler-bug journal: list, show, add, update, stats and export recorded bugs')
    .option('--journal <path>', 'journal file (default: $MESHER_TRIAGE_JOURNAL or .mesher-triage/journal.db)')
    .addHelpText('after', '\nExit codes: 0 ok, 2 usage error (bad status, class or id), 3 unknown bug or unreadable repro, 6 journal missing (read commands), not writable (write commands), corrupt, foreign, newer or locked.');

  journal
    .command('list')
    .description('List bugs, most recently seen first')
    .option('--status <status>', `only this status (${FILTER_STATUSES.join(', ')})`)
    .option('--class <class>', `only this verdict class (${CLASSES.join(', ')})`)
    .option('--json', 'print JSON')
    .action((options: { status?: string; class?: string; json?: boolean }, command: Command) => {
      const status = options.status === undefined ? undefined : parseStatus(options.status, { filter: true });
      const cls = options.class === undefined ? undefined : parseClass(options.class);
      const bugs = withReadOnlyJournal(command, (j) => j.listBugs({ status: status?.status, duplicateOf: status?.duplicateOf, class: cls }));
      if (options.json) printJson(bugs);
      else process.stdout.write(renderBugList(bugs));
      setExitCode(ExitCode.OK);
    });

  journal
    .command('show')
    .description('Show one bug: symptom, evidence, repro, workaround, occurrences and history')
    .argument('<id>', 'bug id')
    .option('--json', 'print JSON')
    .action((idText: string, options: { json?: boolean }, command: Command) => {
      const id = parseId(idText);
      const bug = withReadOnlyJournal(command, (j) => j.getBug(id));
      if (options.json) printJson(bug);
      else process.stdout.write(renderBugDetail(bug));
      setExitCode(ExitCode.OK);
    });

  journal
    .command('add')
    .description('Add a repro by hand: a directory (reads reduce.json / verdict.json if present) or one Mesh file')
    .argument('<repro>', 'repro directory or .mpl file')
    .option('--note <text>', 'note for the history')
    .option('--json', 'print JSON')
    .action(async (path: string, options: { note?: string; json?: boolean }, command: Command) => {
      const input = await readReproInput(path);
      const actor = currentActor();
      const result = withJournal(command, (j) => {
        const recorded = j.recordOccurrence({ ...input.occurrence, actor });
        if (options.note) j.update(recorded.bugId, { note: options.note, actor });
        return { ...recorded, bug: j.getBug(recorded.bugId) };
      });
      if (options.json) {
        printJson({ bugId: result.bugId, isNew: result.isNew, occurrenceId: result.occurrenceId, reproStored: result.reproStored, metadata: input.metadata, reproDir: result.bug.reproDir });
      } else {
        const what = result.isNew ? 'added new bug' : 'recorded another occurrence of bug';
        const from = input.metadata.length > 0 ? ` (read ${input.metadata.join(', ')})` : ' (no reduce.json or verdict.json: recorded as undetermined)';
        process.stdout.write(`${what} #${result.bugId}${from}\n`);
        process.stdout.write(`repro stored in the journal and in ${result.bug.reproDir}${result.reproStored ? '' : ' (kept the smaller one already stored)'}\n`);
      }
      setExitCode(ExitCode.OK);
    });

  journal
    .command('update')
    .description('Change a bug\'s status, workaround or fixed-in version (every change is kept in its history)')
    .argument('<id>', 'bug id')
    .option('--status <status>', SETTABLE_STATUSES.join(' | '))
    .option('--workaround <text>', 'how to avoid the bug ("" clears it)')
    .option('--fixed-in <version>', 'compiler version or commit that fixed it ("" clears it)')
    .option('--note <text>', 'why (kept in the history)')
    .option('--json', 'print JSON')
    .action((idText: string, options: { status?: string; workaround?: string; fixedIn?: string; note?: string; json?: boolean }, command: Command) => {
      const id = parseId(idText);
      if (options.status === undefined && options.workaround === undefined && options.fixedIn === undefined && options.note === undefined) {
        throw usageError('nothing to update', 'pass --status, --workaround, --fixed-in or --note');
      }
      const status = options.status === undefined ? undefined : parseStatus(options.status);
      const result = withJournal(command, (j) =>
        j.update(id, {
          status: status?.status,
          duplicateOf: status?.duplicateOf,
          workaround: options.workaround,
          fixedIn: options.fixedIn,
          note: options.note,
          actor: currentActor(),
        }),
      );
      if (options.json) printJson({ id, ...result });
      else process.stdout.write(renderUpdate(id, result));
      setExitCode(ExitCode.OK);
    });

  journal
    .command('stats')
    .description('Counts by status, class and stage, and known-gap status per dialect')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }, command: Command) => {
      const stats = withReadOnlyJournal(command, (j) => j.stats());
      if (options.json) printJson(stats);
      else process.stdout.write(renderStats(stats));
      setExitCode(ExitCode.OK);
    });

  journal
    .command('export')
    .description('Export the whole journal: Markdown, JSON, or one self-contained HTML page for maintainers')
    .addOption(new Option('--format <format>', 'output format (required unless --json)').choices(['md', 'json', 'html']))
    .option('--json', 'the JSON export (same as --format json)')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action((options: { format?: 'md' | 'json' | 'html'; json?: boolean; output?: string }, command: Command) => {
      if (options.json && options.format !== undefined && options.format !== 'json') throw usageError(`--json conflicts with --format ${options.format}`, 'pass one of them');
      const format = options.json ? 'json' : options.format;
      if (format === undefined) throw usageError('journal export needs a format', 'pass --format md|json|html, or --json');
      const data = withReadOnlyJournal(command, (j) => j.exportAll());
      const text = format === 'json' ? `${JSON.stringify(data, null, 2)}\n` : format === 'md' ? renderJournalMarkdown(data) : renderJournalHtml(data);
      if (options.output) {
        try {
          writeFileSync(resolve(options.output), text);
        } catch (err) {
          throw new UserError(`cannot write ${options.output}: ${(err as Error).message}`, ExitCode.INPUT, 'check the path and its permissions');
        }
        process.stderr.write(`wrote ${format} export of ${data.bugs.length} bug(s) to ${options.output}\n`);
      } else {
        process.stdout.write(text);
      }
      setExitCode(ExitCode.OK);
    });
}
