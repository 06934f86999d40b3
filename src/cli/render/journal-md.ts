import { formatStatus, type BugDetail, type JournalExport } from '../../journal/index.js';

/** The journal as Markdown, for pasting into an issue tracker or a wiki. */
export function renderJournalMarkdown(data: JournalExport): string {
  const out: string[] = [];
  out.push('# Mesh compiler-bug journal', '');
  out.push(`Exported ${data.exportedAt} (schema v${data.schemaVersion}): ${data.bugs.length} bug(s), ${data.gaps.length} known gap(s).`, '');
  out.push('| id | status | class | stage | seen | last seen | message |', '|---:|---|---|---|---:|---|---|');
  for (const b of data.bugs) {
    out.push(`| ${b.id} | ${cell(formatStatus(b.status, b.duplicateOf))} | ${b.verdict.class} | ${b.stage} | ${b.occurrenceCount} | ${b.lastSeen.slice(0, 10)} | ${cell(b.message)} |`);
  }
  for (const b of data.bugs) out.push('', ...bugSection(b));
  if (data.gaps.length > 0) {
    out.push('', '## Known gaps', '', '| key | title | stage | per dialect |', '|---|---|---|---|');
    for (const g of data.gaps) {
      const dialects = g.dialects.map((d) => `${d.dialect}: ${d.status}${d.fixedIn ? ` (fixed in ${d.fixedIn}${d.fixedOn ? `, ${d.fixedOn}` : ''})` : ''}`).join('; ');
      out.push(`| ${cell(g.key)} | ${cell(g.title)} | ${g.stage} | ${cell(dialects)} |`);
    }
  }
  return `${out.join('\n')}\n`;
}

function bugSection(b: BugDetail): string[] {
  const out = [`## #${b.id}: ${inline(b.message || b.signature)}`, ''];
  out.push(`- **Status:** ${formatStatus(b.status, b.duplicateOf)}${b.fixedIn ? ` (fixed in ${inline(b.fixedIn)})` : ''}`);
  out.push(`- **Symptom:** ${b.stage}${b.code ? ` ${b.code}` : ''}; signature ${code(b.signature)} (${b.signatureVersion})`);
  out.push(`- **Verdict:** ${b.verdict.class}, confidence ${b.verdict.confidence.toFixed(2)}${b.verdict.gapKey ? `, known gap ${code(b.verdict.gapKey)}` : ''}`);
  for (const r of b.verdict.reasons) out.push(`  - ${inline(r)}`);
  out.push(`- **Workaround:** ${b.workaround ? inline(b.workaround) : 'none recorded'}`);
  out.push(`- **Seen:** ${b.occurrenceCount} time(s), ${b.firstSeen} to ${b.lastSeen}`);
  for (const [path, content] of Object.entries(b.repro)) {
    const fence = '`'.repeat(Math.max(3, longestBacktickRun(content) + 1));
    out.push('', `${code(path)}:`, '', `${fence}mesh`, content.replace(/\n$/, ''), fence);
  }
  if (b.history.length > 0) {
    out.push('', '| when | who | change | note |', '|---|---|---|---|');
    for (const h of b.history) out.push(`| ${h.at} | ${cell(h.actor)} | ${cell(`${h.field}: ${h.from ?? '∅'} → ${h.to ?? '∅'}`)} | ${cell(h.note ?? '')} |`);
  }
  return out;
}

/** Table cells: no pipes or newlines, and no raw HTML. */
function cell(text: string): string {
  return inline(text).replace(/\|/g, '\\|');
}

/** Prose: one line, no raw HTML, and Markdown's inline marks escaped so they show as typed. */
function inline(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]]/g, '\\$&')
    .trim();
}

/**
 * A code span showing `text` exactly (backticks included, so a search finds it): delimited
 * by a backtick run longer than any inside, and padded with a space each side when the text
 * starts or ends with a backtick or a space (CommonMark then strips one space from each side).
 */
function code(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ');
  const fence = '`'.repeat(longestBacktickRun(flat) + 1);
  const pad = /^[ `]|[ `]$/.test(flat) ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

function longestBacktickRun(text: string): number {
  return Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
}
