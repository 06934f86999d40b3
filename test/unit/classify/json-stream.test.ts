import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonObjects, scanJsonStream, textOutsideObjects } from '../../../src/classify/index.js';

describe('scanJsonStream', () => {
  it.each([
    ['back-to-back objects', '{"a":1}{"b":2}', [{ a: 1 }, { b: 2 }]],
    ['objects with text between and after', 'x {"a":1}\n  Compiled: p\n', [{ a: 1 }]],
    ['braces and quotes inside strings', '{"m":"} { \\" {"}', [{ m: '} { " {' }]],
    ['nested objects and arrays', '{"s":[{"start":1,"end":2}],"fix":null}', [{ s: [{ start: 1, end: 2 }], fix: null }]],
    ['unbalanced prefix then a valid object', '{ broken {"ok":true}', [{ ok: true }]],
    ['truncated object', '{"code":"E0001","message":"type', []],
    ['Rust debug braces are not JSON', 'Value { name: "", address: 0x1 }', []],
    ['braces inside a quoted stretch of text are not JSON', 'Value { llvm_value: "{} zeroinitializer", llvm_type: "{}", s: "\\"{\\"a\\":1}" }', []],
    ['an object after a closed quoted stretch on the same line', 'x "q" {"a":1}', [{ a: 1 }]],
    ['an unclosed quote does not outlive its line', 'x "open\n{"a":1}', [{ a: 1 }]],
    ['empty object', '{}', [{}]],
    ['top-level array is text', '[1,2]', []],
  ])('%s', (_name, input, objects) => {
    expect(jsonObjects(input)).toEqual(objects);
  });

  it('stays linear on pathological input (many unclosed objects) and still returns all text', () => {
    const input = '{"a":['.repeat(50_000) + '{"ok":1}';
    const segments = scanJsonStream(input);
    expect(segments.map((s) => (s.kind === 'text' ? s.text : s.raw)).join('')).toBe(input);
  });

  it('keeps a Rust panic line whole when it quotes `{}` (the real for-let-tail panic)', () => {
    const line = 'Found StructValue(StructValue { struct_value: Value { name: "", llvm_value: "{} zeroinitializer", llvm_type: "{}" } }) but expected the IntValue variant';
    expect(textOutsideObjects(`thread 'main' (7) panicked at expr.rs:1:2:\n${line}\n`)).toContain(line);
  });

  it('replaces each object by a line break in the text view', () => {
    expect(textOutsideObjects('{"a":1}  Compiled: x\n')).toBe('\n  Compiled: x\n');
  });

  it('keeps every character: text segments and raw objects rebuild the input', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.json(), fc.constantFrom('{', '}', '"', '\\', '{"', '}{'))), (parts) => {
        const input = parts.join('');
        const rebuilt = scanJsonStream(input)
          .map((s) => (s.kind === 'text' ? s.text : s.raw))
          .join('');
        expect(rebuilt).toBe(input);
      }),
    );
  });

  it('finds every object of a concatenated stream of random objects', () => {
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.string(), fc.jsonValue()), { maxLength: 6 }), (objs) => {
        const input = objs.map((o) => JSON.stringify(o)).join('');
        expect(jsonObjects(input)).toEqual(objs.map((o) => JSON.parse(JSON.stringify(o)) as unknown));
      }),
    );
  });
});
