import {
  EXPRESSION_KINDS,
  ITEM_KINDS,
  KEYWORDS,
  PATTERN_KINDS,
  STATEMENT_KINDS,
  TYPE_KINDS,
  comparePaths,
  flattenProject,
  isMeshFile,
  moduleNameForPath,
  parseSource,
  type ProjectFile,
} from '../syntax/index.js';
import { analyzeProgram } from '../syntax/references.js';
import { letBindings } from '../syntax/bindings.js';
import { structFields } from '../syntax/structs.js';
import type { Candidate } from '../types/index.js';
import type { SyntaxPort } from './types.js';

/** Families in the order a node kind is looked up (a kind can be in several supertypes). */
const FAMILIES: ReadonlyArray<[string, ReadonlySet<string>]> = [
  ['item', ITEM_KINDS],
  ['statement', STATEMENT_KINDS],
  ['expression', EXPRESSION_KINDS],
  ['pattern', PATTERN_KINDS],
  ['type', TYPE_KINDS],
];

/** The smallest text that can stand for a node of each family or kind. */
const MINIMAL_BY_FAMILY: Readonly<Record<string, readonly string[]>> = {
  expression: ['0'],
  pattern: ['_'],
  type: ['Int'],
};
/** Plain values may also need to be non-zero (a loop bound, a comparison that must hold): `1` second. */
const MINIMAL_BY_KIND: Readonly<Record<string, readonly string[]>> = {
  integer: ['0', '1'],
  identifier: ['0', '1'],
  field_access: ['0', '1'],
  index_expression: ['0', '1'],
  for_expression: ['[]'],
  string: ['""'],
  arguments: ['()'],
  parameters: ['()'],
};

/** A name or field access in these fields (a callee, a declaration, a pattern, a field or module name) cannot become a value. */
const NAMING_FIELDS: ReadonlySet<string> = new Set(['function', 'name', 'pattern', 'field', 'object']);

const COMMENT_KINDS = new Set(['comment', 'block_comment', 'doc_comment']);

/** `for … do <body> end` and `[pub] fn … do <body> end` with a one-line header, capturing the body. */
const DO_END_BODY: Readonly<Record<'for' | 'fn', RegExp>> = {
  for: /^for\b[^\n]*?\bdo\b([\s\S]*)\bend$/,
  fn: /^(?:pub\s+)?fn\b[^\n]*?\bdo\b([\s\S]*)\bend$/,
};

/** An interpolation without nested braces or backslashes, capturing its expression text. */
const INTERPOLATION = /[$#]\{([^{}\\]*)\}/g;

/** Mesh's reserved words (mesh-language.md §2.4), in case the generated list is incomplete. */
const MESH_KEYWORDS = `actor after alias and break call case cast cond continue def do else end false fn for if impl import
in interface json let link match module monitor nil not or pub receive return self send service spawn struct supervisor
terminate trait trap true type when where while with`.split(/\s+/);

/** tree-sitter-mesh, through src/syntax, as the reducer sees it. */
export const meshPort: SyntaxPort = {
  isSource: (path) => isMeshFile(path),
  parse(source, path) {
    const parsed = parseSource(source, path);
    const first = parsed.errors[0];
    return {
      root: parsed.root,
      errorCount: parsed.errors.length,
      firstError: first ? `${first.line}:${first.column}: ${first.message}` : undefined,
    };
  },
  familyOf(kind) {
    for (const [family, kinds] of FAMILIES) if (kinds.has(kind)) return family;
    return null;
  },
  minimalForms(kind, at) {
    if (at?.field && NAMING_FIELDS.has(at.field) && (kind === 'identifier' || kind === 'field_access')) return [];
    const byKind = MINIMAL_BY_KIND[kind];
    if (byKind) return byKind;
    const family = meshPort.familyOf(kind);
    return family === 'item' || family === 'statement' || family === null ? [] : (MINIMAL_BY_FAMILY[family] ?? []);
  },
  textForms(kind, text) {
    // A for-comprehension with a one-line body: the list of that one element.
    if (kind === 'for_expression') {
      const body = DO_END_BODY.for.exec(text)?.[1]?.trim();
      return body && !body.includes('\n') ? [`[${body}]`] : [];
    }
    // A string with interpolations: the same string with the `${…}`/`#{…}` delimiters
    // dropped, keeping the text (what a character-level reducer reaches by deleting them).
    if (kind !== 'string') return [];
    const plain = text.replace(INTERPOLATION, (_, inner: string) => inner.replaceAll('"', '\\"'));
    return plain !== text ? [plain] : [];
  },
  isComment: (node) => COMMENT_KINDS.has(node.type),
  isIdentifier: (node) => node.type === 'identifier',
  reservedWords: new Set([...MESH_KEYWORDS, ...KEYWORDS]),
  flatten: flattenCandidate,
  analyze: analyzeProgram,
  bindings: letBindings,
  structFields,
  statementsOf(text) {
    const body = DO_END_BODY.fn.exec(text)?.[1]?.trim();
    return body ? body.split('\n').map((line) => line.replace(/^[ \t]+/, '')).join('\n') : null;
  },
};

/** A project candidate as one standalone main.mpl, or null when flattening fails. */
export function flattenCandidate(candidate: Candidate): string | null {
  const files: ProjectFile[] = [...candidate.keys()]
    .filter((path) => isMeshFile(path))
    .sort(comparePaths)
    .map((relPath) => ({ ...parseSource(candidate.get(relPath)!, relPath), relPath, module: moduleNameForPath(relPath) }));
  try {
    return flattenProject({ root: '.', files }).source;
  } catch {
    return null;
  }
}
