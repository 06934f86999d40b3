import { describe, expect, it } from 'vitest';
import { GAP_CATALOG, matchGap, matchGaps } from '../../../src/gaps/index.js';
import type { KnownGap, Stage } from '../../../src/types/index.js';

const symptom = (stage: Stage, message: string) => ({ stage, message, signature: `${stage}||${message.toLowerCase()}` });

describe('matchGap', () => {
  it('maps the nested && verifier text to nested-and', () => {
    const s = symptom('llvm-verify', 'LLVM module verification failed: "PHI node entries do not match predecessors!\\n  %and_result = phi i1 [ false, %entry ], [ %1, %and_rhs ]\\n"');
    expect(matchGap(s, GAP_CATALOG)?.key).toBe('nested-and');
  });

  it('maps the trailing-closure parse error and the <> pattern parse error', () => {
    expect(matchGap(symptom('parse', 'Parse error: expected DO_KW'), GAP_CATALOG)?.key).toBe('trailing-closure-head');
    expect(matchGap(symptom('parse', 'Parse error: expected ARROW'), GAP_CATALOG)?.key).toBe('string-prefix-pattern');
  });

  it('prefers a gap whose stage matches the symptom stage', () => {
    // "index out of bounds" is in collect-to-string (compiler-crash) and cross-module-poly-export (llvm-verify).
    const panic = symptom('compiler-crash', "thread 'main' panicked at compiler/mesh-typeck/src/infer.rs:1:1:\nindex out of bounds: the len is 3 but the index is 7");
    expect(matchGap(panic, GAP_CATALOG)?.key).toBe('collect-to-string');
    const all = matchGaps(panic, GAP_CATALOG).map((m) => m.gap.key);
    expect(all).toContain('cross-module-poly-export');
    expect(all.indexOf('collect-to-string')).toBeLessThan(all.indexOf('cross-module-poly-export'));
  });

  it('lets shape hints from the scanner and the dialect decide between gaps sharing a message', () => {
    const s = symptom('llvm-verify', 'LLVM module verification failed: "Instruction does not dominate all uses!"');
    expect(matchGap(s, GAP_CATALOG)?.key).toBe('list-find-case');
    expect(matchGap(s, GAP_CATALOG, { shapeHints: ['case-binder-reuse'] })?.key).toBe('case-binder-reuse');
    const pipe = symptom('parse', 'Parse error: expected expression');
    // Leading pipes are fixed in february; trailing pipes and -> do arms are still open there.
    expect(matchGap(pipe, GAP_CATALOG, { dialect: 'february' })?.key).not.toBe('multiline-pipe');
  });

  it('returns undefined for an ordinary type error', () => {
    expect(matchGap(symptom('typecheck', 'type mismatch: expected `Int`, found `String`'), GAP_CATALOG)).toBeUndefined();
  });

  it('reports the pattern and the matched text, and never throws on a broken pattern', () => {
    const broken: KnownGap = { ...GAP_CATALOG[0]!, key: 'broken', signaturePatterns: ['(unclosed', 'dominate'] };
    const [m] = matchGaps(symptom('llvm-verify', 'does not dominate all uses'), [broken]);
    expect(m?.pattern).toBe('dominate');
    expect(m?.matched).toBe('dominate');
    expect(m?.sameStage).toBe(true);
  });
});
