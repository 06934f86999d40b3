/**
 * Plain-data shapes shared by everything in src/syntax and its users.
 * A MeshNode is an immutable snapshot of a tree-sitter node, so pure code and tests can
 * build and inspect trees without loading tree-sitter.
 */

export interface MeshNode {
  /** Node kind, e.g. `function_definition`, or the literal text of an anonymous token (`do`). */
  readonly type: string;
  /** Field name under the parent (`name`, `body`, ...), or null. */
  readonly field: string | null;
  /** JS string index (UTF-16 code units, not bytes) of the first character. */
  readonly start: number;
  /** JS string index one past the last character. */
  readonly end: number;
  readonly named: boolean;
  readonly isError: boolean;
  readonly isMissing: boolean;
  readonly children: readonly MeshNode[];
}

export interface SyntaxIssue {
  /** 1-based line. */
  readonly line: number;
  /** 1-based column, counted in Unicode code points (as meshc counts them). */
  readonly column: number;
  readonly kind: 'error' | 'missing';
  /** Short, e.g. "unexpected `)`" or "missing `end`". */
  readonly message: string;
  /** The source line holding the issue, without its newline. */
  readonly excerpt: string;
}

export interface ParsedFile {
  readonly path: string;
  readonly source: string;
  readonly root: MeshNode;
  readonly errors: readonly SyntaxIssue[];
}

export interface ProjectFile extends ParsedFile {
  /** Path relative to the project root, with `/` separators. */
  readonly relPath: string;
  /** Module name as meshc derives it (`api/router.mpl` → `Api.Router`); null for the root main file. */
  readonly module: string | null;
}

export interface ParsedProject {
  /** Absolute project directory. */
  readonly root: string;
  /** Build set in meshc's order (sorted by relative path). */
  readonly files: readonly ProjectFile[];
}

/** Replace source[start, end) with text. Indices are JS string indices. */
export interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export interface QueryCapture {
  readonly name: string;
  readonly node: MeshNode;
}
