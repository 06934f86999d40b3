import type { Diagnostic } from './types.js';

/**
 * Parses ariadne reports from meshc's `--no-color` stderr (Unicode or ASCII charset):
 *
 *   [E0001] Error: expected String, found Int
 *      ╭─[ /w/project/main.mpl:3:7 ]
 *      …            ╰──── label
 *
 * Parse errors have no code, the headline `Error: Parse error`, and the parser message in
 * the first label; we report them as `Parse error: <label>`, the same text as JSON mode.
 */
const HEADER = /^(?:\[([A-Z]+\d+)\] )?(Error|Warning): (.*)$/;
const LOCATION = /^\s*(?:╭─+|,-+)\[\s*(.+?):(\d+):(\d+)\s*\]/;
const LABEL = /(?:╰|`)(?:─|-)+\s+(.+)$/;
const REPORT_END = /^\s*(?:─+╯|-+')\s*$/;

export function parseHumanDiagnostics(text: string): Diagnostic[] {
  const lines = text.split(/\r?\n/);
  const out: Diagnostic[] = [];
  for (let i = 0; i < lines.length; i++) {
    const header = HEADER.exec(lines[i] ?? '');
    if (!header) continue;
    const [, code = '', kind, headline = ''] = header;
    const diag: Diagnostic = { code, severity: kind === 'Warning' ? 'warning' : 'error', message: headline.trim(), from: 'human' };
    let label: string | undefined;
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j] ?? '';
      if (HEADER.test(line) || /^error: /.test(line)) break;
      const loc = LOCATION.exec(line);
      if (loc && diag.file === undefined) {
        diag.file = loc[1];
        diag.line = Number(loc[2]);
        diag.column = Number(loc[3]);
      }
      const lab = LABEL.exec(line);
      if (lab && label === undefined) label = lab[1]?.trim();
      if (REPORT_END.test(line)) break;
    }
    if (!code && /^Parse error\b/.test(diag.message)) diag.message = label ? `Parse error: ${label}` : diag.message;
    out.push(diag);
    i = j - 1;
  }
  return out;
}

/** Diagnostics from `--json` objects (everything except the final C0001 line). */
export function jsonDiagnostics(objects: readonly Record<string, unknown>[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const o of objects) {
    if (typeof o.code !== 'string' || typeof o.message !== 'string' || o.code === 'C0001') continue;
    const diag: Diagnostic = {
      code: o.code,
      severity: o.severity === 'warning' ? 'warning' : 'error',
      message: o.message,
      from: 'json',
    };
    if (typeof o.file === 'string' && o.file) diag.file = o.file;
    out.push(diag);
  }
  return out;
}

/** Messages of the final/fatal `C0001` objects (same text as the human `error:` line). */
export function jsonFatalMessages(objects: readonly Record<string, unknown>[]): string[] {
  return objects.flatMap((o) => (o.code === 'C0001' && typeof o.message === 'string' ? [o.message] : []));
}
