import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { GAP_CATALOG, renderSarif, scanPaths } from '../../../src/gaps/index.js';

interface SarifLog {
  version: string;
  runs: Array<{
    tool: { driver: { rules: Array<{ id: string }> } };
    results: Array<{
      ruleId: string;
      ruleIndex: number;
      kind: string;
      level: string;
      locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: Record<string, number> } }>;
    }>;
  }>;
}

const ROOT = resolve(import.meta.dirname, '../../..');
// Official OASIS schema, taken from a registry package (see test/support/sarif-schema-2.1.0.NOTICE.md).
const schema = JSON.parse(readFileSync(join(ROOT, 'test/support/sarif-schema-2.1.0.json'), 'utf8'));

let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  if (compiled) return compiled;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  compiled = ajv.compile(schema);
  return compiled;
}

describe('SARIF output', () => {
  it('validates against the SARIF 2.1.0 schema, with rules = gaps and located results', async () => {
    const result = await scanPaths([join(ROOT, 'fixtures/mesh/gap-scan')], { includeFixed: true });
    expect(result.findings.length).toBeGreaterThan(30);
    const log = renderSarif(result, GAP_CATALOG, { toolVersion: '0.1.0', baseDir: ROOT }) as SarifLog;
    const validate = validator();
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);

    const run = log.runs[0]!;
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(GAP_CATALOG.map((g) => g.key));
    expect(run.results).toHaveLength(result.findings.length);
    const first = run.results[0]!;
    const finding = result.findings[0]!;
    expect(first.ruleId).toBe(finding.gapKey);
    expect(run.tool.driver.rules[first.ruleIndex]!.id).toBe(finding.gapKey);
    expect(first.locations[0]!.physicalLocation.region).toEqual({
      startLine: finding.line,
      startColumn: finding.column,
      endLine: finding.endLine,
      endColumn: finding.endColumn,
    });
    expect(first.locations[0]!.physicalLocation.artifactLocation.uri).toMatch(/^fixtures\/mesh\/gap-scan\//);
  });

  it('gives risky findings a warning or note level and workaround sites level none', async () => {
    const result = await scanPaths([join(ROOT, 'fixtures/mesh/gap-scan/clean')]);
    const log = renderSarif(result, GAP_CATALOG, { toolVersion: '0.1.0', baseDir: ROOT }) as SarifLog;
    expect(validator()(log)).toBe(true);
    const levels = new Set(log.runs[0]!.results.map((r) => `${r.kind}/${r.level}`));
    expect([...levels]).toEqual(['informational/none']);
  });

  it('is rejected by the schema when broken (the validation can fail)', () => {
    const validate = validator();
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] })).toBe(false);
  });
});
