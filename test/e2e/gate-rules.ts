/**
 * fake-meshc rules derived from the gap probes themselves (fixtures/mesh/gaps/*.mpl via
 * loadProbe), so a probe change can never silently desync the gate tests: each rule matches
 * the probe's own `# gap: <key>` header line and produces either its `# open:` symptom
 * (with text made from the open pattern) or its `# fixed-output`.
 */
import { GAP_CATALOG, type Probe } from '../../src/gaps/index.js';
import type { FakeMeshcRules, FakeRule } from '../support/fake-meshc.js';

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The rule's `when`: the probe's header line, which no other probe carries. */
export function whenProbe(probe: Pick<Probe, 'key'>): FakeRule['when'] {
  return { source: `^# gap: ${escapeRegex(probe.key)}$`, inFile: 'main.mpl' };
}

/** Splits a regex source at top-level `|` (outside groups, classes and escapes). */
function alternatives(pattern: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inClass = false;
  let current = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      current += c + (pattern[i + 1] ?? '');
      i++;
      continue;
    }
    if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      out.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  out.push(current);
  return out;
}

/**
 * A text that the open pattern matches: its first alternative with anchors and lookarounds
 * dropped and escapes undone. Throws when that is not enough, so the test names the probe.
 */
export function sampleFor(pattern: string): string {
  const first = alternatives(pattern)[0] ?? '';
  const text = first
    .replace(/^\^/, '')
    .replace(/(?<!\\)\$$/, '')
    .replace(/\(\?<?[=!][^)]*\)/g, '')
    .replace(/\.\*|\\s\+|\\s\*/g, ' ')
    .replace(/\\(.)/g, '$1');
  if (!new RegExp(pattern, 'im').test(text)) throw new Error(`cannot make a sample text for the open pattern /${pattern}/ (got '${text}')`);
  return text;
}

/** The probe fails the way its first `# open:` line says. */
export function openRule(probe: Probe): FakeRule {
  const sample = sampleFor(probe.openPattern);
  const then = ((): FakeRule['then'] => {
    switch (probe.openStage) {
      case 'parse':
        return { build: { kind: 'parse-error', message: sample } };
      case 'typecheck':
        return { build: { kind: 'type-error', headline: sample, message: sample } };
      case 'llvm-verify':
        return { build: { kind: 'llvm-verify', text: `${sample}\n` } };
      case 'lowering':
      case 'codegen':
        return { build: { kind: 'error', message: sample } };
      case 'link':
        return { build: { kind: 'link', stderr: `${sample}\n` } };
      case 'compiler-crash':
        return { build: { kind: 'panic', message: sample } };
      case 'runtime-crash':
        return { run: /^SIG[A-Z]+$/.test(sample) ? { signal: sample } : { stderr: `${sample}\n`, signal: 'SIGSEGV' } };
      case 'runtime-panic':
        return { run: { runtimePanic: sample } };
      case 'wrong-output':
        return { run: { stdout: `${sample}\n` } };
      case 'hang':
        return { run: { hang: true } };
      case 'ok':
        throw new Error(`probe ${probe.key}: an open symptom cannot be 'ok'`);
    }
  })();
  return { name: `${probe.key}:open`, when: whenProbe(probe), then };
}

/** The probe builds and prints its `# fixed-output` (a server keeps running until the timeout). */
export function fixedRule(probe: Probe): FakeRule {
  const stdout = `${probe.expectedOutput.join('\n')}\n`;
  return { name: `${probe.key}:fixed`, when: whenProbe(probe), then: { run: probe.exits ? { stdout } : { stdout, hang: true } } };
}

/** The probe fails at a stage none of its `# open:` lines expects. */
export function changedRule(probe: Probe): FakeRule {
  const stages = new Set(probe.open.map((o) => o.stage));
  const then: FakeRule['then'] = !stages.has('compiler-crash')
    ? { build: { kind: 'panic', message: 'gate e2e: a compiler crash this probe does not expect' } }
    : { build: { kind: 'error', message: 'gate e2e: a codegen error this probe does not expect' } };
  return { name: `${probe.key}:changed`, when: whenProbe(probe), then };
}

/**
 * Rules for a double that behaves as the catalog records for one dialect: every open gap's
 * probe fails as its `# open:` line says, every fixed one prints its `# fixed-output`
 * (not-applicable probes get no rule). `overrides` change single probes.
 */
export function catalogRules(
  dialect: 'february' | 'april',
  probes: readonly Probe[],
  overrides: Record<string, (p: Probe) => FakeRule> = {},
  version = '0.1.0',
): FakeMeshcRules {
  const rules: FakeRule[] = [];
  for (const probe of probes) {
    const status = GAP_CATALOG.find((g) => g.key === probe.key)?.status[dialect];
    const make = overrides[probe.key] ?? (status === 'open' ? openRule : status === 'fixed' ? fixedRule : undefined);
    if (make) rules.push(make(probe));
  }
  return { dialect, version, rules };
}
