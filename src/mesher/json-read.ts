import { readFile } from 'node:fs/promises';
import { ExitCode, UserError } from '../types/index.js';

/**
 * Reads a JSON data file (a profile or a scenario) field by field. Every error names the
 * file and the JSON path of the bad value (`steps[2].expect.status`), and unknown keys are
 * errors, so a typo is never silently ignored.
 */
export class JsonReader {
  constructor(
    readonly file: string,
    private readonly hint: string,
  ) {}

  static async load(file: string, hint: string): Promise<{ reader: JsonReader; root: unknown }> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new UserError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`, ExitCode.INPUT, hint);
    }
    const reader = new JsonReader(file, hint);
    try {
      return { reader, root: JSON.parse(text) as unknown };
    } catch (err) {
      throw new UserError(`${file} is not valid JSON: ${(err as Error).message}`, ExitCode.INPUT, hint);
    }
  }

  fail(path: string, message: string): never {
    throw new UserError(`${this.file}: ${path || '(top level)'}: ${message}`, ExitCode.INPUT, this.hint);
  }

  object(value: unknown, path: string, known: readonly string[]): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(path, `must be an object, got ${describe(value)}`);
    const object = value as Record<string, unknown>;
    for (const key of Object.keys(object)) {
      if (!known.includes(key)) this.fail(join(path, key), `unknown key '${key}' (known: ${known.join(', ')})`);
    }
    return object;
  }

  array(value: unknown, path: string): unknown[] {
    if (!Array.isArray(value)) this.fail(path, `must be an array, got ${describe(value)}`);
    return value;
  }

  string(value: unknown, path: string): string {
    if (typeof value !== 'string') this.fail(path, `must be a string, got ${describe(value)}`);
    return value;
  }

  nonEmpty(value: unknown, path: string): string {
    const text = this.string(value, path);
    if (text.trim() === '') this.fail(path, 'must not be empty');
    return text;
  }

  optionalString(value: unknown, path: string, fallback: string): string {
    return value === undefined ? fallback : this.string(value, path);
  }

  int(value: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    if (typeof value !== 'number' || !Number.isInteger(value)) this.fail(path, `must be a whole number, got ${describe(value)}`);
    if (value < min || value > max) this.fail(path, `must be from ${min} to ${max}, got ${value}`);
    return value;
  }

  optionalInt(value: unknown, path: string, fallback: number, min: number, max?: number): number {
    return value === undefined ? fallback : this.int(value, path, min, max);
  }

  number(value: unknown, path: string, min: number): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(path, `must be a number, got ${describe(value)}`);
    if (value < min) this.fail(path, `must be at least ${min}, got ${value}`);
    return value;
  }

  boolean(value: unknown, path: string, fallback: boolean): boolean {
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') this.fail(path, `must be true or false, got ${describe(value)}`);
    return value;
  }

  stringArray(value: unknown, path: string, fallback: string[] = []): string[] {
    if (value === undefined) return fallback;
    return this.array(value, path).map((item, i) => this.string(item, `${path}[${i}]`));
  }

  stringMap(value: unknown, path: string): Record<string, string> {
    if (value === undefined) return {};
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(path, `must be an object of strings, got ${describe(value)}`);
    const result: Record<string, string> = {};
    for (const [key, item] of Object.entries(value)) result[key] = this.string(item, join(path, key));
    return result;
  }

  /** A regular expression source, checked to compile. */
  pattern(value: unknown, path: string): string {
    const source = this.string(value, path);
    try {
      new RegExp(source);
    } catch (err) {
      this.fail(path, `is not a valid regular expression: ${(err as Error).message}`);
    }
    return source;
  }
}

export function join(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
