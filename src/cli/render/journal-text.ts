import chalk from 'chalk';
import { formatStatus, type BugDetail, type BugStatus, type BugSummary, type JournalStats, type UpdateResult } from '../../journal/index.js';

/** Terminal renderings of journal records (chalk only here; the journal knows nothing of colour). */

const STATUS_COLOUR: Record<BugStatus, (s: string) => string> = {
  open: chalk.red,
  regressed: chalk.redBright.bold,
  workaround: chalk.yellow,
  fixed: chalk.green,
  wontfix: chalk.dim,
  duplicate: chalk.dim,
};

export function statusText(bug: Pick<BugSummary, 'status' | 'duplicateOf'>): string {
  return STATUS_COLOUR[bug.status](formatStatus(bug.status, bug.duplicateOf));
}

export function renderBugList(bugs: readonly BugSummary[]): string {
  if (bugs.length === 0) return 'no bugs in the journal match\n';
  const rows = bugs.map((b) => [
    `#${b.id}`,
    formatStatus(b.status, b.duplicateOf),
    b.verdict.class,
    b.stage,
    String(b.occurrenceCount),
    b.lastSeen.slice(0, 10),
    oneLine(b.message, 70),
  ]);
  const header = ['id', 'status', 'class', 'stage', 'seen', 'last', 'message'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const pad = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const lines = [chalk.bold(pad(header))];
  for (const [i, row] of rows.entries()) {
    const bug = bugs[i]!;
    const line = pad(row);
    // Colour the status cell only, after padding (escape codes would break the widths).
    const start = widths[0]! + 2;
    lines.push(line.slice(0, start) + STATUS_COLOUR[bug.status](line.slice(start, start + widths[1]!)) + line.slice(start + widths[1]!));
  }
  return `${lines.join('\n')}\n`;
}

export function renderBugDetail(bug: BugDetail): string {
  const out: string[] = [];
  out.push(chalk.bold(`#${bug.id} ${oneLine(bug.message, 100) || '(no message)'}`));
  out.push(`  status      ${statusText(bug)}`);
  out.push(`  symptom     ${bug.stage}${bug.code ? ` ${bug.code}` : ''}`);
  out.push(`  signature   ${bug.signature}  (${bug.signatureVersion}, ${bug.fingerprint})`);
  out.push(`  verdict     ${bug.verdict.class} (confidence ${bug.verdict.confidence.toFixed(2)})${bug.verdict.gapKey ? `, gap ${bug.verdict.gapKey}` : ''}`);
  for (const reason of bug.verdict.reasons) out.push(`                - ${reason}`);
  out.push(`  workaround  ${bug.workaround ?? chalk.dim('none recorded')}`);
  if (bug.fixedIn) out.push(`  fixed in    ${bug.fixedIn}`);
  out.push(`  seen        ${bug.occurrenceCount} time(s), first ${bug.firstSeen}, last ${bug.lastSeen}`);
  const files = Object.entries(bug.repro);
  out.push('', chalk.bold(`Repro`) + (files.length > 0 ? chalk.dim(` (${bug.reproDir})`) : ''));
  if (files.length === 0) out.push(chalk.dim('  none stored'));
  for (const [path, content] of files) {
    out.push(chalk.cyan(`  --- ${path}`));
    out.push(...content.replace(/\n$/, '').split('\n').map((l) => `  ${l}`));
  }
  out.push('', chalk.bold('Occurrences'));
  for (const o of bug.occurrences) {
    const compiler = o.compilerVersion ? `${o.compilerVersion} (${o.compilerDialect ?? 'unknown'}) ${o.compilerPath ?? ''}`.trim() : 'compiler unknown';
    out.push(`  ${o.seenAt}  ${o.sourcePath ?? '(no source path)'}  ${chalk.dim(compiler)}`);
    const firstLine = o.rawOutput.split('\n').find((l) => l.trim() !== '');
    if (firstLine) out.push(chalk.dim(`      ${oneLine(firstLine, 110)}${o.outputTruncated ? ' [output cut]' : ''}`));
  }
  out.push('', chalk.bold('History'));
  for (const h of bug.history) out.push(`  ${historyLine(h)}`);
  return `${out.join('\n')}\n`;
}

export function historyLine(h: { at: string; actor: string; field: string; from: string | null; to: string | null; note: string | null }): string {
  const change = h.field === 'created' ? `created (${h.to ?? ''})` : h.field === 'note' ? 'note' : `${h.field}: ${h.from ?? '∅'} → ${h.to ?? '∅'}`;
  return `${h.at}  ${h.actor}  ${change}${h.note ? `  — ${h.note}` : ''}`;
}

export function renderUpdate(id: number, result: UpdateResult): string {
  if (result.changes.length === 0) return `#${id}: nothing changed\n`;
  return result.changes.map((c) => `#${id}: ${historyLine(c)}`).join('\n') + '\n';
}

export function renderStats(stats: JournalStats): string {
  const counts = (record: Record<string, number>): string =>
    Object.entries(record)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') || 'none';
  return [
    `bugs         ${stats.bugs} (${stats.occurrences} occurrences)`,
    `by status    ${counts(stats.byStatus)}`,
    `by class     ${counts(stats.byClass)}`,
    `by stage     ${counts(stats.byStage)}`,
    `known gaps   ${stats.gaps.total} (open: ${counts(stats.gaps.open)}; fixed: ${counts(stats.gaps.fixed)})`,
    '',
  ].join('\n');
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
