import { describe, expect, it } from 'vitest';
import { makeSignature, normalizeMessage, SIGNATURE_VERSION } from '../../../src/classify/index.js';

describe('sig-v1 normalisation', () => {
  it('is versioned', () => {
    expect(SIGNATURE_VERSION).toBe('sig-v1');
  });

  it.each([
    ['absolute paths and temp dirs', 'at /tmp/mesher-triage-Xk3j9a/project/main.mpl:3:7', 'at <path>'],
    ['relative source paths with line/col', 'panicked at compiler/mesh-codegen/src/codegen/expr.rs:812:31:', 'panicked at <path>:'],
    ['anonymous ariadne source', 'Error at <unknown>:4:12', 'Error at <unknown>'],
    ['mesh panic location', 'Mesh panic at <unknown>:0: non-exhaustive match', 'Mesh panic at <unknown>: non-exhaustive match'],
    ['addresses', 'address must be a multiple of 0x8 but is 0x7ffd2a3c91e4', 'address must be a multiple of <addr> but is <addr>'],
    ['thread ids', "thread 'main' (48213) has overflowed its stack", "thread 'main' has overflowed its stack"],
    ['LLVM value numbers', 'call {} @identity(i64 %7)', 'call {} @identity(i64 %<n>)'],
    ['plain numbers, not identifiers', 'index 7 out of bounds (len 3) for i64 E0001', 'index <n> out of bounds (len <n>) for i64 E0001'],
    ['long hex ids', 'crate index.crates.io-6f17d22bba15001f', 'crate index.crates.io-<id>'],
    ['temp names without slashes', 'cannot open tmp.Ab12Cd', 'cannot open <tmp>'],
    ['whitespace', '  a \n\t b  ', 'a b'],
    ['ANSI colour', '\u001b[31mexpected\u001b[0m Int', 'expected Int'],
  ])('strips %s', (_what, input, expected) => {
    expect(normalizeMessage(input)).toBe(expected);
  });

  it('gives the same signature to the same bug seen in two temp dirs', () => {
    const a = makeSignature('typecheck', 'E0004', 'unbound variable `x` in /tmp/a1b2c3d4/project/main.mpl:3:1');
    const b = makeSignature('typecheck', 'E0004', 'unbound variable `x` in /tmp/ffee9988/project/main.mpl:9:4');
    expect(a).toBe(b);
    expect(a).toBe('typecheck|E0004|unbound variable `x` in <path>');
  });

  it('keeps different bugs apart', () => {
    expect(makeSignature('llvm-verify', '', 'PHI node entries do not match predecessors!')).not.toBe(
      makeSignature('llvm-verify', '', 'Instruction does not dominate all uses!'),
    );
  });

  it('bounds the message length', () => {
    expect(normalizeMessage('x'.repeat(5000)).length).toBeLessThanOrEqual(240);
  });
});
