import { createRequire } from 'node:module';
import type TreeSitter from 'tree-sitter';
import { ExitCode, UserError } from '../types/index.js';
import { issuesIn, toIssues, type FoundIssue } from './issues.js';
import { FIELDS_BY_KIND } from './node-kinds.generated.js';
import type { MeshNode, ParsedFile } from './types.js';

/** The only place that loads tree-sitter and the Mesh grammar (lazily, on first parse). */

const require = createRequire(import.meta.url);

interface Loaded {
  Parser: typeof TreeSitter;
  language: TreeSitter.Language;
  parser: TreeSitter;
}

let loaded: Loaded | undefined;

export function loadGrammar(): Loaded {
  if (loaded) return loaded;
  let Parser: typeof TreeSitter;
  let language: TreeSitter.Language;
  try {
    Parser = require('tree-sitter') as typeof TreeSitter;
  } catch (err) {
    throw new UserError(`cannot load tree-sitter: ${(err as Error).message.split('\n')[0]}`, ExitCode.SETUP, 'run `bash scripts/setup.sh` in the mesher-triage directory');
  }
  try {
    language = require('tree-sitter-mesh') as TreeSitter.Language;
  } catch (err) {
    throw new UserError(
      `cannot load the Mesh grammar (tree-sitter-mesh): ${(err as Error).message.split('\n')[0]}`,
      ExitCode.SETUP,
      'rebuild it: `rm -rf tree-sitter-mesh/build && npm rebuild tree-sitter-mesh` (or run `bash scripts/setup.sh`)',
    );
  }
  const parser = new Parser();
  parser.setLanguage(language);
  loaded = { Parser, language, parser };
  return loaded;
}

/** Trees produced by parseSource, kept so query() can reuse them instead of re-parsing. */
const treeOf = new WeakMap<ParsedFile, TreeSitter.Tree>();

export function treeFor(parsed: ParsedFile): TreeSitter.Tree {
  const cached = treeOf.get(parsed);
  if (cached) return cached;
  const tree = parseTree(parsed.source);
  treeOf.set(parsed, tree);
  return tree;
}

// The binding reads the input through a buffer; a large one keeps callbacks few on big files.
const BUFFER_SIZE = 1 << 20;

function parseTree(source: string): TreeSitter.Tree {
  const { parser } = loadGrammar();
  return parser.parse(source, null, { bufferSize: Math.min(Math.max(source.length + 1, 1024), BUFFER_SIZE) });
}

/**
 * Parses Mesh source into an immutable snapshot plus its syntax issues. Pure and synchronous:
 * same source, same result. Positions are JS string indices.
 * The issues are found by visiting only the parts of the tree that hold errors; the full
 * snapshot (`root`) is built on first access, so syntax checks of big files stay cheap.
 */
export function parseSource(source: string, path = '<input>'): ParsedFile {
  const tree = parseTree(source);
  const errors = toIssues(findIssues(tree.rootNode, source), source);
  let root: MeshNode | undefined;
  const parsed: ParsedFile = {
    path,
    source,
    get root(): MeshNode {
      return (root ??= snapshot(tree.rootNode));
    },
    errors,
  };
  treeOf.set(parsed, tree);
  return parsed;
}

/** Walks down only into subtrees that contain errors (iterative). */
function findIssues(rootNode: TreeSitter.SyntaxNode, source: string): FoundIssue[] {
  if (!rootNode.hasError) return [];
  const found: FoundIssue[] = [];
  const stack: TreeSitter.SyntaxNode[] = [rootNode];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.isMissing || node.type === 'ERROR') {
      found.push(...issuesIn(snapshot(node), source));
      continue;
    }
    if (!node.hasError) continue;
    for (const child of node.children) stack.push(child);
  }
  return found;
}

/** A snapshot node while it is being built (MeshNode is its read-only view). */
interface Building {
  type: string;
  field: string | null;
  start: number;
  end: number;
  named: boolean;
  isError: boolean;
  isMissing: boolean;
  children: MeshNode[];
}

/** Shared by every leaf: saves an allocation per token. Never mutated (frozen). */
const NO_CHILDREN: MeshNode[] = Object.freeze([]) as unknown as MeshNode[];

/** Kind name and named-ness by symbol id, and field names by field id: learnt once, then free. */
const kindById: Array<{ type: string; named: boolean } | undefined> = [];
const fieldById: Array<string | null | undefined> = [];

/**
 * Copies a tree-sitter node into MeshNode snapshots with a TreeCursor: iterative, so a
 * 10,000-level tree cannot overflow the JS stack. The node binding feeds the source as
 * UTF-16 and reports indices in UTF-16 code units, i.e. JS string indices.
 * Every property read is a native call, so they are kept few: names come from id caches,
 * and MISSING is only asked for when the tree has errors.
 */
export function snapshot(node: TreeSitter.SyntaxNode): MeshNode {
  const cursor = node.walk();
  const hasError = node.hasError;
  const open: Building[] = [];
  const enter = (): void => {
    const typeId = cursor.nodeTypeId;
    let kind = kindById[typeId];
    if (!kind) kind = kindById[typeId] = { type: cursor.nodeType, named: cursor.nodeIsNamed };
    const parent = open[open.length - 1];
    // Most parents (blocks, argument lists, strings) have no fields: skip the native call.
    let field: string | null = null;
    if (parent && FIELDS_BY_KIND[parent.type] !== undefined) {
      const fieldId = cursor.currentFieldId;
      const known = fieldById[fieldId];
      field = known !== undefined ? known : (fieldById[fieldId] = cursor.currentFieldName || null);
    }
    const built: Building = {
      type: kind.type,
      field,
      start: 0,
      end: 0,
      named: kind.named,
      isError: kind.type === 'ERROR',
      isMissing: hasError ? cursor.nodeIsMissing : false,
      children: NO_CHILDREN,
    };
    if (parent) {
      if (parent.children === NO_CHILDREN) parent.children = [built];
      else parent.children.push(built);
    }
    open.push(built);
  };
  /** Closes the innermost open node; the cursor is on it. */
  const leave = (): Building => {
    const built = open.pop()!;
    // Parents too: hidden tokens (newlines) can widen a node past its visible children.
    built.start = cursor.startIndex;
    built.end = cursor.endIndex;
    return built;
  };
  enter();
  for (;;) {
    // Anonymous nodes are tokens, hence leaves: no need to ask the cursor.
    if (open[open.length - 1]!.named && cursor.gotoFirstChild()) {
      enter();
      continue;
    }
    for (;;) {
      const done = leave();
      if (open.length === 0) return done;
      if (cursor.gotoNextSibling()) {
        enter();
        break;
      }
      cursor.gotoParent();
    }
  }
}
