/**
 * A streaming scanner for meshc's `--json` stderr: JSON objects written back to back
 * (`}{`, no newline between type-checker objects), mixed with plain text (panic text,
 * `  Compiled: …`, `[mesh-codegen] warning: …`). It never throws: anything that is not a
 * complete, parseable top-level object is returned as text.
 *
 * An object never starts inside a quoted stretch of the surrounding text line: Rust debug
 * output quotes LLVM values (`llvm_value: "{} zeroinitializer"`), and taking that `{}` for an
 * object would cut the line in two (the real for-let-tail panic lost its end that way).
 */

export type StreamSegment =
  | { kind: 'object'; value: Record<string, unknown>; raw: string }
  | { kind: 'text'; text: string };

export function scanJsonStream(input: string): StreamSegment[] {
  const segments: StreamSegment[] = [];
  let textStart = 0;
  let i = 0;
  // Each failed attempt rescans text; a budget keeps pathological input (thousands of
  // unclosed `{"`) linear: once spent, the rest is returned as text.
  const budget = { left: SCAN_BUDGET_PER_CHAR * input.length + 4096 };
  // Inside a "…" of the text (Rust debug strings escape their quotes as \"); reset per line.
  let quoted = false;
  while (i < input.length) {
    const c = input[i];
    if (c === '\n') quoted = false;
    else if (quoted && c === '\\' && input[i + 1] !== '\n') {
      i += 2;
      continue;
    } else if (c === '"') quoted = !quoted;
    if (c === '{' && !quoted && budget.left > 0 && looksLikeObjectStart(input, i)) {
      const end = balancedObjectEnd(input, i, budget);
      if (end !== -1) {
        const raw = input.slice(i, end + 1);
        const value = parseObject(raw);
        if (value) {
          if (i > textStart) segments.push({ kind: 'text', text: input.slice(textStart, i) });
          segments.push({ kind: 'object', value, raw });
          i = end + 1;
          textStart = i;
          continue;
        }
      }
    }
    i++;
  }
  if (textStart < input.length) segments.push({ kind: 'text', text: input.slice(textStart) });
  return segments;
}

/** The objects only. */
export function jsonObjects(input: string): Record<string, unknown>[] {
  return scanJsonStream(input).flatMap((s) => (s.kind === 'object' ? [s.value] : []));
}

/**
 * The text around the objects, with each object replaced by a line break: meshc prints the
 * next output on the same line as the last object, and the text rules work per line.
 */
export function textOutsideObjects(input: string): string {
  return scanJsonStream(input)
    .map((s) => (s.kind === 'text' ? s.text : '\n'))
    .join('');
}

const SCAN_BUDGET_PER_CHAR = 32;

// A JSON object starts with `{"` or `{}` (after optional whitespace). Checking this keeps the
// scanner linear on ordinary text full of braces (Rust debug output, Mesh source snippets).
function looksLikeObjectStart(input: string, at: number): boolean {
  let j = at + 1;
  while (j < input.length && (input[j] === ' ' || input[j] === '\n' || input[j] === '\r' || input[j] === '\t')) j++;
  return input[j] === '"' || input[j] === '}';
}

/** Index of the `}` closing the object opened at `start`, or -1. Strings and escapes respected. */
function balancedObjectEnd(input: string, start: number, budget: { left: number }): number {
  let depth = 0;
  let inString = false;
  for (let j = start; j < input.length; j++) {
    if (--budget.left < 0) return -1;
    const c = input[j];
    if (inString) {
      if (c === '\\') j++;
      else if (c === '"') inString = false;
      else if (c === '\n') return -1; // JSON strings never contain a raw newline
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return c === '}' ? j : -1;
      if (depth < 0) return -1;
    }
  }
  return -1;
}

function parseObject(raw: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
