import { describe, expect, it } from 'vitest';
import { decideVerdict, observeBuild, observeRun, type Differential, type Observation } from '../../../src/classify/index.js';
import { GAP_CATALOG } from '../../../src/gaps/index.js';
import type { KnownGap, RunRecord, VerdictClass } from '../../../src/types/index.js';

const rec = (over: Partial<RunRecord>): RunRecord => ({ argv: ['meshc'], exitCode: 0, signal: null, stdout: '', stderr: '', ms: 1, timedOut: false, ...over });
const build = (over: Partial<RunRecord>): Observation => observeBuild(rec(over));
const run = (over: Partial<RunRecord>, expectedStdout?: string): Observation => observeRun(rec(over), { expectedStdout });
const ranOk = (stdout: string): Observation => run({ stdout });

const typeError = build({ exitCode: 1, stderr: '[E0004] Error: undefined variable: helper\n   ╭─[ project/main.mpl:2:3 ]\n───╯\nerror: Compilation failed due to errors above.\n' });
const importError = build({ exitCode: 1, stderr: '[E0035] Error: `helper` is private\n   ╭─[ project/main.mpl:1:1 ]\n───╯\nerror: Compilation failed due to errors above.\n' });
const parseError = build({ exitCode: 1, stderr: 'Error: Parse error\n   ╭─[ <unknown>:3:5 ]\n   │        ╰── expected expression\n───╯\nerror: Compilation failed due to errors above.\n' });
const compilerPanic = build({ exitCode: 101, stderr: "thread 'main' (7) panicked at crates/mesh-typeck/src/infer.rs:10:5:\nindex out of bounds: the len is 3 but the index is 7\n" });
const llvmVerify = build({ exitCode: 1, stderr: 'error: LLVM module verification failed: "PHI node entries do not match predecessors!\\n  %and_result = phi i1 [ false, %entry ]\\n"\n' });
const linkOther = build({ exitCode: 1, stderr: "error: Linking failed:\n/usr/bin/ld: project.o: undefined reference to `mesh_list_zip3'\n" });
const linkNoMain = build({ exitCode: 1, stderr: "error: Linking failed:\n/usr/bin/ld: Scrt1.o: in function `_start':\n(.text+0x1b): undefined reference to `main'\n" });
const linkNoLibm = build({ exitCode: 1, stderr: "error: Linking failed:\n/usr/bin/ld: libmesh_rt.a(mesh_rt.o): in function `f':\n(.text+0x9): undefined reference to 'log'\ncollect2: error: ld returned 1 exit status\n" });
const noMainCodegen = observeBuild(rec({ exitCode: 1, stderr: 'error: Unsupported binop type: String\n' }), { definesMain: false });
const callParamMismatch = build({ exitCode: 1, stderr: 'error: LLVM module verification failed: "Call parameter type does not match function signature!\\n  %str6 = call ptr @mesh_string_new(ptr @.str.2, i64 3)\\n {}  %call7 = call {} @Main__lookup(ptr %names5, ptr %str6)\\n"\n' });
const runtimeMissing = build({ exitCode: 1, stderr: 'error: Could not locate libmesh_rt.a. Ensure `cargo build -p mesh-rt` has been run.\n' });
const unknownBuild = build({ exitCode: 1, stderr: 'error: something nobody has seen before\n' });
const buildHang = build({ exitCode: null, signal: 'SIGKILL', timedOut: true });
const segfault = run({ exitCode: null, signal: 'SIGSEGV' });
const sigfpe = run({ exitCode: null, signal: 'SIGFPE' });
const meshPanic = run({ exitCode: null, signal: 'SIGABRT', stderr: "thread '<unnamed>' (9) panicked at crates/mesh-rt/src/panic.rs:33:9:\nMesh panic at <unknown>:0: non-exhaustive match\n" });
const stdlibPanic = run({ exitCode: null, signal: 'SIGABRT', stderr: "thread '<unnamed>' (9) panicked at crates/mesh-rt/src/collections/list.rs:1:1:\nmesh_list_head: empty list\n" });
const layoutPanic = run({ exitCode: null, signal: 'SIGABRT', stderr: "thread '<unnamed>' (9) panicked at crates/mesh-rt/src/string.rs:171:14:\nmisaligned pointer dereference: address must be a multiple of 0x8 but is 0x7f01\n" });
const wrongOutput = run({ stdout: '1\n2\n4\n' }, '1\n2\n3\n');
const runHang = run({ exitCode: null, signal: 'SIGKILL', timedOut: true });
const clean = ranOk('1\n2\n3\n');
const withWarning = observeBuild(rec({ stderr: "[mesh-codegen] warning: call to 'x' could not be resolved as a trait method for type 'T'. This may indicate a type checker bug.\n  Compiled: project/project\n" }));

const optDiff = (a: Observation, b: Observation): Differential => ({ kind: 'opt-level', labels: ['--opt-level 0', '--opt-level 2'], outcomes: [a, b] });
const versionDiff = (a: Observation, b: Observation): Differential => ({ kind: 'version', labels: ['meshc', 'baseline meshc'], outcomes: [a, b] });
const flattenDiff = (a: Observation, b: Observation): Differential => ({ kind: 'flatten', labels: ['project', 'flattened'], outcomes: [a, b] });

const gap = (over: Partial<KnownGap>): KnownGap => ({
  key: 'nested-and',
  title: 'Nested && fails LLVM verification',
  kind: 'compiler',
  stage: 'llvm-verify',
  signaturePatterns: ['PHI node entries do not match predecessors'],
  trigger: 'a && (b && c)',
  workaround: 'use nested if',
  status: { february: 'open', april: 'open' },
  detection: {},
  ...over,
});

interface Row {
  name: string;
  primary: Observation;
  differentials?: Differential[];
  gaps?: KnownGap[];
  dialect?: 'february' | 'april' | 'unknown';
  shapeHints?: string[];
  class: VerdictClass;
  reason: RegExp;
  minConfidence?: number;
  gapKey?: string;
  resembles?: string;
}

const rows: Row[] = [
  // Rule 1: compiler crash.
  { name: 'compiler panic → compiler', primary: compilerPanic, class: 'compiler', reason: /^compiler crash/, minConfidence: 0.9 },
  { name: 'compiler hang → compiler', primary: buildHang, class: 'compiler', reason: /^compiler hang/ },
  // Rule 2: failure after the front end accepted the program.
  { name: 'LLVM verify → compiler', primary: llvmVerify, class: 'compiler', reason: /^failure after the front end accepted/ },
  { name: 'link failure (not main) → compiler', primary: linkOther, class: 'compiler', reason: /^failure after the front end accepted.*libmesh_rt/ },
  { name: 'link failure: missing fn main → app', primary: linkNoMain, class: 'app', reason: /no `fn main`/ },
  { name: 'codegen failure of a program the caller found no fn main in → app', primary: noMainCodegen, class: 'app', reason: /defines no `fn main`/ },
  { name: 'February link without -lm (undefined log) → environment', primary: linkNoLibm, class: 'undetermined', reason: /^environment problem.*-lm/ },
  // Rule 3: runtime signal / layout checks.
  { name: 'SIGSEGV → compiler', primary: segfault, class: 'compiler', reason: /^runtime signal.*memory-safe/ },
  { name: 'debug-runtime layout check → compiler', primary: layoutPanic, class: 'compiler', reason: /wrong type or layout/ },
  { name: 'SIGFPE → app', primary: sigfpe, class: 'app', reason: /division/ },
  // Rule 4: opt-level differential.
  { name: 'stdout differs between opt levels → compiler', primary: clean, differentials: [optDiff(clean, ranOk('1\n2\n99\n'))], class: 'compiler', reason: /^output differs between optimisation levels.*line 3/ },
  { name: 'wrong output + opt-level differential → compiler', primary: wrongOutput, differentials: [optDiff(wrongOutput, ranOk('1\n2\n3\n'))], class: 'compiler', reason: /optimisation levels/ },
  { name: 'opt levels agree on wrong output → undetermined', primary: wrongOutput, differentials: [optDiff(wrongOutput, ranOk('1\n2\n4\n'))], class: 'undetermined', reason: /no differential evidence.*second meshc/ },
  // Rule 5: version differential.
  { name: 'runs differ between meshc versions → compiler', primary: wrongOutput, differentials: [versionDiff(wrongOutput, ranOk('1\n2\n3\n'))], class: 'compiler', reason: /^output differs between meshc versions/ },
  { name: 'type error only in one meshc → compiler (reduced confidence)', primary: typeError, differentials: [versionDiff(typeError, clean)], class: 'compiler', reason: /meshc versions/ },
  { name: 'missing trailing partial line across versions is forgiven', primary: run({ stdout: 'a\n' }), differentials: [versionDiff(run({ stdout: 'a\n' }), ranOk('a\nb'))], class: 'undetermined', reason: /no failure observed/ },
  // Rule 6: project-only failure.
  { name: 'fails as project, not flattened → compiler', primary: typeError, differentials: [flattenDiff(typeError, clean)], class: 'compiler', reason: /module-system bug/ },
  { name: 'import-rule error that flattening removes is not evidence', primary: importError, differentials: [flattenDiff(importError, clean)], class: 'app', reason: /E0035/ },
  { name: 'flattened form failing differently is inconclusive (flattening artefact)', primary: typeError, differentials: [flattenDiff(typeError, linkNoMain)], class: 'app', reason: /type checker rejected/ },
  { name: 'flattened form also fails the same way → app', primary: typeError, differentials: [flattenDiff(typeError, typeError)], class: 'app', reason: /type checker rejected/ },
  // Rule 7: known gap.
  { name: 'known gap signature → known-gap', primary: llvmVerify, gaps: [gap({})], class: 'known-gap', reason: /^known gap 'nested-and'.*workaround: use nested if/, gapKey: 'nested-and' },
  { name: 'gap text only in the detail does not match (message + signature only)', primary: llvmVerify, gaps: [gap({ key: 'and-phi', signaturePatterns: ['%and_result = phi i1'] })], class: 'compiler', reason: /failure after/ },
  { name: 'gap at another stage is not counted', primary: llvmVerify, gaps: [gap({ stage: 'parse' })], class: 'compiler', reason: /failure after/ },
  { name: 'broad runtime pattern without the risky shape stays a note', primary: segfault, gaps: [gap({ key: 'struct-in-result', stage: 'runtime-crash', signaturePatterns: ['SIGSEGV|SIGBUS'] })], class: 'compiler', reason: /^runtime signal/ },
  { name: 'broad runtime pattern with the risky shape → known-gap', primary: segfault, shapeHints: ['struct-in-result'], gaps: [gap({ key: 'struct-in-result', stage: 'runtime-crash', signaturePatterns: ['SIGSEGV|SIGBUS'] })], class: 'known-gap', reason: /struct-in-result.*risky shape/, gapKey: 'struct-in-result' },
  { name: 'typo matching a broad front-end gap stays an app bug', primary: typeError, gaps: [gap({ key: 'forward-reference', stage: 'typecheck', signaturePatterns: ['undefined variable'] })], class: 'app', reason: /type checker rejected/ },
  { name: 'front-end gap with its risky shape → known-gap', primary: typeError, shapeHints: ['forward-reference'], gaps: [gap({ key: 'forward-reference', stage: 'typecheck', signaturePatterns: ['undefined variable'] })], class: 'known-gap', reason: /forward-reference/, gapKey: 'forward-reference' },
  { name: 'the hinted gap wins over a longer unhinted match', primary: llvmVerify, shapeHints: ['b'], gaps: [gap({ key: 'a', signaturePatterns: ['PHI node entries do not match predecessors!'] }), gap({ key: 'b', signaturePatterns: ['PHI'] })], class: 'known-gap', reason: /'b'/, gapKey: 'b' },
  { name: 'text shared by two same-stage gaps, no shape → compiler bug that resembles the first', primary: llvmVerify, gaps: [gap({ key: 'a' }), gap({ key: 'b' })], class: 'compiler', reason: /^failure after/, resembles: 'a' },
  { name: 'text shared by two same-stage gaps, shape of the second → that gap', primary: llvmVerify, shapeHints: ['b'], gaps: [gap({ key: 'a' }), gap({ key: 'b' })], class: 'known-gap', reason: /^known gap 'b'.*risky shape/, gapKey: 'b' },
  { name: 'text specific to one gap names it without the shape', primary: llvmVerify, gaps: [gap({ key: 'a' }), gap({ key: 'b', stage: 'runtime-crash' })], class: 'known-gap', reason: /^known gap 'a'.*no other known gap matches/, gapKey: 'a' },
  { name: 'gap fixed in this dialect → compiler regression', primary: llvmVerify, gaps: [gap({ status: { february: 'open', april: 'fixed' } })], dialect: 'april', class: 'compiler', reason: /recorded as fixed.*regression|failure after/, resembles: 'nested-and' },
  { name: 'invalid gap pattern is skipped, not fatal', primary: llvmVerify, gaps: [gap({ signaturePatterns: ['(unclosed'] })], class: 'compiler', reason: /failure after/ },
  // No evidence: app.
  { name: 'plain type error → app', primary: typeError, class: 'app', reason: /type checker rejected.*E0004/ },
  { name: 'parse error → app', primary: parseError, class: 'app', reason: /parser rejected/ },
  { name: 'Mesh panic (non-exhaustive match) → app', primary: meshPanic, class: 'app', reason: /no arm matches/ },
  { name: 'stdlib panic → app', primary: stdlibPanic, class: 'app', reason: /mesh_list_head/ },
  // Undetermined, said plainly.
  { name: 'wrong output without differentials → undetermined', primary: wrongOutput, class: 'undetermined', reason: /output is wrong, but no differential evidence.*undetermined/ },
  { name: 'program hang → undetermined', primary: runHang, class: 'undetermined', reason: /did not finish/ },
  { name: 'environment problem → undetermined', primary: runtimeMissing, class: 'undetermined', reason: /^environment problem/ },
  { name: 'generic symptom → undetermined', primary: unknownBuild, class: 'undetermined', reason: /generic symptom/ },
  { name: 'clean run → undetermined (no failure)', primary: clean, class: 'undetermined', reason: /no failure observed/ },
  { name: 'codegen warning is reported as a note', primary: withWarning, class: 'undetermined', reason: /no failure observed/ },
];

describe('decideVerdict: every evidence rule', () => {
  it.each(rows)('$name', (row) => {
    const v = decideVerdict({ primary: row.primary, differentials: row.differentials ?? [], gaps: row.gaps ?? [], dialect: row.dialect, shapeHints: row.shapeHints });
    expect(v.class).toBe(row.class);
    expect(v.reasons[0]).toMatch(row.reason);
    expect(v.confidence).toBeGreaterThan(0);
    expect(v.confidence).toBeLessThanOrEqual(1);
    if (row.minConfidence) expect(v.confidence).toBeGreaterThanOrEqual(row.minConfidence);
    expect(v.gapKey).toBe(row.gapKey);
    expect(v.resemblesGap).toBe(row.resembles);
  });

  it('lists the strongest evidence first when several rules fire', () => {
    const v = decideVerdict({ primary: segfault, differentials: [optDiff(segfault, clean)], gaps: [] });
    expect(v.reasons[0]).toMatch(/^runtime signal/);
    expect(v.reasons[1]).toMatch(/optimisation levels/);
    expect(v.confidence).toBe(0.85);
  });

  it('mentions the codegen warning among the reasons', () => {
    const v = decideVerdict({ primary: withWarning, differentials: [], gaps: [] });
    expect(v.reasons.join('\n')).toMatch(/MIR lowering warned/);
  });

  it('lowers confidence when a differential contradicts an app-leaning symptom', () => {
    const alone = decideVerdict({ primary: llvmVerify, differentials: [], gaps: [] });
    const contradicted = decideVerdict({ primary: typeError, differentials: [versionDiff(typeError, clean)], gaps: [] });
    expect(contradicted.confidence).toBeLessThan(alone.confidence);
  });

  it('does not count a comparison spoiled by an environment problem', () => {
    const v = decideVerdict({ primary: wrongOutput, differentials: [versionDiff(wrongOutput, runtimeMissing)], gaps: [] });
    expect(v.class).toBe('undetermined');
    expect(v.reasons.join('\n')).toMatch(/could not compare/);
  });

  it('says that a missing fn main is possible when the caller did not check for it', () => {
    const unknown = observeBuild(rec({ exitCode: 1, stderr: 'error: Unsupported binop type: String\n' }));
    expect(unknown.lean).toBe('compiler');
    expect(unknown.because).toMatch(/without `fn main`/);
    expect(observeBuild(rec({ exitCode: 1, stderr: 'error: Unsupported binop type: String\n' }), { definesMain: true }).because).not.toMatch(/fn main/);
  });

  describe('a known-gap verdict needs the gap\'s shape (real catalog)', () => {
    // The verifier's first sentence, `Call parameter type does not match function signature!`,
    // is the text of two llvm-verify gaps open in February, cross-module-poly-export and
    // service-struct-state; the program (a helper whose result lowered to {}) has neither shape.
    const decide = (shapeHints: string[]) => decideVerdict({ primary: callParamMismatch, differentials: [], gaps: GAP_CATALOG, dialect: 'february', shapeHints });

    it('the text fits both gaps: their stage, and open in February', () => {
      const fitting = GAP_CATALOG.filter((g) => g.stage === 'llvm-verify' && g.status.february === 'open' && g.signaturePatterns.some((p) => new RegExp(p, 'i').test(callParamMismatch.symptom.message)));
      expect(fitting.map((g) => g.key)).toEqual(['cross-module-poly-export', 'service-struct-state']);
    });

    it('without the shape: a compiler bug that resembles the gap', () => {
      const v = decide([]);
      expect(v.class).toBe('compiler');
      expect(v.gapKey).toBeUndefined();
      expect(v.resemblesGap).toBe('cross-module-poly-export');
      expect(v.reasons.join('\n')).toMatch(/resembles known gaps 'cross-module-poly-export'.*'service-struct-state'.*not counted/);
    });

    it('with the shape found by the scanner: the known gap (the second of the two, by its shape alone)', () => {
      const v = decide(['service-struct-state']);
      expect(v.class).toBe('known-gap');
      expect(v.gapKey).toBe('service-struct-state');
      expect(v.resemblesGap).toBeUndefined();
      expect(v.reasons[0]).toMatch(/^known gap 'service-struct-state'.*the program has its risky shape/);
    });

    it('a shape of a gap the text does not match changes nothing', () => {
      expect(decide(['nested-and'])).toMatchObject({ class: 'compiler', resemblesGap: 'cross-module-poly-export' });
    });
  });
});
