/** Line/column lookup over a source string, built once per file (O(log n) per query). */
export class LineIndex {
  private readonly starts: number[];

  constructor(private readonly source: string) {
    const starts = [0];
    for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) starts.push(i + 1);
    this.starts = starts;
  }

  /** 0-based line holding the string index. */
  lineOf(index: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** String index where a 0-based line starts. */
  lineStart(line: number): number {
    return this.starts[line] ?? this.source.length;
  }

  /** 1-based line and column; the column counts code points, as meshc's diagnostics do. */
  position(index: number): { line: number; column: number } {
    const line = this.lineOf(index);
    const lineStart = this.starts[line]!;
    let column = 1;
    for (let i = lineStart; i < index; i++) {
      const code = this.source.charCodeAt(i);
      // A high surrogate followed by a low one is one code point.
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < index) i++;
      column++;
    }
    return { line: line + 1, column };
  }

  /** The text of a 0-based line without its line terminator. */
  lineText(line: number): string {
    const start = this.starts[line] ?? this.source.length;
    const next = this.starts[line + 1];
    const end = next === undefined ? this.source.length : next - 1;
    return this.source.slice(start, end).replace(/\r$/, '');
  }
}
