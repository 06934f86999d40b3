import { relative, sep } from 'node:path';
import type { KnownGap } from '../types/index.js';
import type { GapFinding, ScanResult } from './scan.js';

/** Renderers for scan results: text lines, JSON, SARIF 2.1.0. Pure. */

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

/** `file:line:col gap-key message`, one finding per line (workaround sites marked). */
export function renderText(findings: readonly GapFinding[]): string {
  return findings
    .map((f) => `${f.file}:${f.line}:${f.column} ${f.gapKey} ${f.kind === 'workaround' ? `[workaround] ${f.message}` : f.message}`)
    .join('\n');
}

export function renderJson(result: ScanResult): unknown {
  return {
    files: result.files.length,
    risky: result.findings.filter((f) => f.kind === 'risky').length,
    workarounds: result.findings.filter((f) => f.kind === 'workaround').length,
    filesWithSyntaxErrors: result.filesWithSyntaxErrors,
    findings: result.findings,
  };
}

function toUri(file: string, baseDir: string): string {
  const rel = relative(baseDir, file) || file;
  return rel.split(sep).map(encodeURIComponent).join('/');
}

export interface SarifOptions {
  toolVersion: string;
  /** Paths are made relative to this directory (the SRCROOT base). */
  baseDir: string;
}

/** A SARIF 2.1.0 log: one run, rules = catalog gaps, one result per finding. */
export function renderSarif(result: ScanResult, catalog: readonly KnownGap[], options: SarifOptions): unknown {
  const ruleIndex = new Map(catalog.map((gap, i) => [gap.key, i]));
  const rules = catalog.map((gap) => ({
    id: gap.key,
    name: gap.key
      .split('-')
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join(''),
    shortDescription: { text: gap.title },
    fullDescription: { text: gap.trigger },
    help: {
      text: `Workaround: ${gap.workaround}`,
      markdown: `**Workaround:** ${gap.workaround}${gap.fixedIn ? `\n\n**Fixed in:** ${gap.fixedIn}` : ''}`,
    },
    defaultConfiguration: { level: gap.kind === 'compiler' ? 'warning' : 'note' },
    properties: {
      kind: gap.kind,
      stage: gap.stage,
      statusFebruary: gap.status.february,
      statusApril: gap.status.april,
      ...(gap.probe ? { probe: gap.probe } : {}),
      tags: [gap.kind, gap.stage],
    },
  }));
  const results = result.findings.map((f) => {
    const gap = catalog[ruleIndex.get(f.gapKey) ?? -1];
    const level = f.kind === 'workaround' ? 'note' : gap?.kind === 'runtime-limit' ? 'note' : 'warning';
    return {
      ruleId: f.gapKey,
      ...(ruleIndex.has(f.gapKey) ? { ruleIndex: ruleIndex.get(f.gapKey)! } : {}),
      // SARIF: a result whose kind is not 'fail' must have level 'none'.
      kind: f.kind === 'workaround' ? 'informational' : 'fail',
      level: f.kind === 'workaround' ? 'none' : level,
      message: { text: f.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: toUri(f.file, options.baseDir), uriBaseId: 'SRCROOT' },
            region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
          },
        },
      ],
      properties: { findingKind: f.kind },
    };
  });
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'mesher-triage',
            semanticVersion: options.toolVersion,
            version: options.toolVersion,
            rules,
          },
        },
        originalUriBaseIds: { SRCROOT: { uri: `file://${encodeURI(options.baseDir.split(sep).join('/').replace(/\/?$/, '/'))}` } },
        columnKind: 'unicodeCodePoints',
        results,
      },
    ],
  };
}
