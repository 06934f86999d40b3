import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LineIndex, parseFile, parseProject, parseSource, type MeshNode, type ParsedFile } from '../syntax/index.js';
import { ExitCode, UserError, type KnownGap } from '../types/index.js';
import { GAP_CATALOG } from './catalog.js';
import { GAP_PREDICATES, type DetectionPredicate, type ScanContext } from './predicates.js';
import { captureNodes } from './pattern.js';
import { mayMatch } from './queries.js';
import { treeIndex } from './tree.js';

/** One place in a Mesh file that matches a known gap's risky shape or a known workaround. */
export interface GapFinding {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, in code points. */
  column: number;
  endLine: number;
  endColumn: number;
  gapKey: string;
  kind: 'risky' | 'workaround';
  message: string;
}

export type ScanDialect = 'february' | 'april';

export interface ScanOptions {
  catalog?: readonly KnownGap[];
  /** Report gaps open in any of these dialects (default: both). */
  dialects?: readonly ScanDialect[];
  /** Also report gaps fixed in every dialect asked for (off by default: old, fixed bugs are noise). */
  includeFixed?: boolean;
  /** Only these gap keys. */
  only?: readonly string[];
  /** Also report known workaround sites (kind 'workaround'; informational). Default true. */
  workarounds?: boolean;
  /** Run every query even where the cheap pre-check says it cannot match (to test the pre-check). */
  exhaustive?: boolean;
}

export interface ScanResult {
  /** Files scanned, as reported in findings. */
  files: string[];
  findings: GapFinding[];
  /** Files with syntax errors (tree-sitter error recovery still lets most rules run). */
  filesWithSyntaxErrors: string[];
}

const CAPTURE = { risky: 'risky', workaround: 'workaround' } as const;

/** Gaps the options ask for, in catalog order. */
export function activeGaps(options: ScanOptions = {}): KnownGap[] {
  const catalog = options.catalog ?? GAP_CATALOG;
  const dialects = options.dialects ?? ['february', 'april'];
  return catalog.filter(
    (gap) =>
      (options.only === undefined || options.only.includes(gap.key)) &&
      (options.includeFixed === true || dialects.some((d) => gap.status[d] === 'open')),
  );
}

function riskyMessage(gap: KnownGap): string {
  const open = (['february', 'april'] as const).filter((d) => gap.status[d] === 'open');
  const where = open.length > 0 ? `open in ${open.join(' and ')}` : `fixed (${gap.fixedIn ?? 'both dialects'})`;
  return `${gap.title} (${where}); workaround: ${firstSentence(gap.workaround)}`;
}

function firstSentence(text: string): string {
  const match = /^(.+?[.!?])(\s|$)/.exec(text);
  return (match?.[1] ?? text).replace(/\.$/, '');
}

/**
 * Runs every active gap's detection over one parsed file. Pure; linear in the file's size and
 * independent of its nesting depth (see pattern.ts and tree.ts).
 */
export function scanParsed(file: ParsedFile, options: ScanOptions = {}, project: readonly ParsedFile[] = [file]): GapFinding[] {
  const context: ScanContext = { file, project };
  const lines = new Positions(file.source);
  const index = treeIndex(file.root);
  const hasKind = (kind: string): boolean => index.countOf(kind) > 0;
  const findings: GapFinding[] = [];
  for (const gap of activeGaps(options)) {
    const kinds = options.workarounds === false ? (['risky'] as const) : (['risky', 'workaround'] as const);
    for (const kind of kinds) {
      const pattern = gap.detection[kind];
      if (!pattern || (options.exhaustive !== true && !mayMatch(pattern, file.source, hasKind))) continue;
      const predicate: DetectionPredicate | undefined = GAP_PREDICATES[gap.key]?.[kind];
      const message = kind === 'risky' ? riskyMessage(gap) : `known workaround for ${gap.key} (${gap.title})`;
      // One finding per gap, kind and start position; a start index is one line and column.
      const seen = new Set<number>();
      const add = (node: MeshNode): void => {
        if (seen.has(node.start)) return;
        seen.add(node.start);
        const start = lines.position(node.start);
        const end = lines.position(node.end);
        findings.push({
          file: file.path,
          line: start.line,
          column: start.column,
          endLine: end.line,
          endColumn: end.column,
          gapKey: gap.key,
          kind,
          message,
        });
      };
      for (const captured of captureNodes(index, file.source, pattern, CAPTURE[kind])) {
        if (!predicate) {
          add(captured);
          continue;
        }
        const verdict = predicate(captured, context);
        if (verdict === true) add(captured);
        else if (verdict !== false) {
          if (Array.isArray(verdict)) for (const node of verdict as readonly MeshNode[]) add(node);
          else add(verdict as MeshNode);
        }
      }
    }
  }
  return sortFindings(findings);
}

/**
 * LineIndex positions without counting a line through for every finding on it: a line
 * without surrogate pairs has one column per code unit (a 200 kB one-line chain has
 * thousands of findings on that line).
 */
class Positions {
  private readonly lines: LineIndex;
  private readonly plain: boolean;

  constructor(source: string) {
    this.lines = new LineIndex(source);
    this.plain = !/[\ud800-\udbff]/.test(source);
  }

  position(index: number): { line: number; column: number } {
    if (!this.plain) return this.lines.position(index);
    const line = this.lines.lineOf(index);
    return { line: line + 1, column: index - this.lines.lineStart(line) + 1 };
  }
}

export function sortFindings(findings: GapFinding[]): GapFinding[] {
  // Equal strings compare as 0 without asking ICU (most pairs share file, key and kind).
  const compare = (x: string, y: string): number => (x === y ? 0 : x.localeCompare(y));
  return findings.sort((a, b) => compare(a.file, b.file) || a.line - b.line || a.column - b.column || compare(a.gapKey, b.gapKey) || compare(a.kind, b.kind));
}

/** Scans Mesh source text (one standalone file). */
export function scanSource(source: string, path = 'main.mpl', options: ScanOptions = {}): GapFinding[] {
  return scanParsed(parseSource(source, path), options);
}

/** Scans every Mesh file of a project directory; cross-file rules see the whole project. */
export async function scanProject(dir: string, options: ScanOptions = {}): Promise<ScanResult> {
  const project = await parseProject(dir);
  const files: ParsedFile[] = project.files.map((f) => ({ ...f, path: join(dir, f.relPath) }));
  return scanFiles(files, options);
}

function scanFiles(files: readonly ParsedFile[], options: ScanOptions): ScanResult {
  const findings = files.flatMap((f) => scanParsed(f, options, files));
  return {
    files: files.map((f) => f.path),
    findings: sortFindings(findings),
    filesWithSyntaxErrors: files.filter((f) => f.errors.length > 0).map((f) => f.path),
  };
}

/** Scans files and directories as the CLI receives them: a directory is a project (and must hold Mesh files). */
export async function scanPaths(paths: readonly string[], options: ScanOptions = {}): Promise<ScanResult> {
  const results: ScanResult[] = [];
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch {
      throw new UserError(`${path} does not exist`, ExitCode.INPUT, 'pass Mesh files (.mpl) or project directories');
    }
    if (info.isDirectory()) {
      const result = await scanProject(path, options);
      // Nothing to scan is unusable input, as for `parse`: not a clean bill of health.
      if (result.files.length === 0) {
        throw new UserError(`no .mpl or .mesh files under ${path}`, ExitCode.INPUT, 'dot-directories and *.test.mpl files are skipped; pass the directory that holds the Mesh sources');
      }
      results.push(result);
    } else results.push(scanFiles([await parseFile(path)], options));
  }
  return {
    files: results.flatMap((r) => r.files),
    findings: sortFindings(results.flatMap((r) => r.findings)),
    filesWithSyntaxErrors: results.flatMap((r) => r.filesWithSyntaxErrors),
  };
}
