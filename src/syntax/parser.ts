import { createRequire } from 'node:module';
import type TreeSitter from 'tree-sitter';
import { ExitCode, UserError } from '../types/index.js';
import { issuesIn, toIssues, type FoundIssue } from './issues.js';
import { FIELDS_BY_KIND } from './node-kinds.generated.js';
import type { MeshNode, ParsedFile } from './types.js';

/** The grammar addon (tree-sitter-mesh), or a setup error saying how to rebuild it. */
function requireGrammar(): unknown {
  try {
    return require('tree-sitter-mesh');
  } catch (err) {
    throw new UserError(
      `cannot load the Mesh grammar (tree-sitter-mesh): ${(err as Error).message.split('\n')[0]}`,
      ExitCode.SETUP,
      'rebuild it: `rm -rf tree-sitter-mesh/build && npm rebuild tree-sitter-mesh` (or run `bash scripts/setup.sh`)',
    );
  }
}

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
  try {
    Parser = require('tree-sitter') as typeof TreeSitter;
  } catch (err) {
    throw new UserError(`cannot load tree-sitter: ${(err as Error).message.split('\n')[0]}`, ExitCode.SETUP, 'run `bash scripts/setup.sh` in the mesher-triage directory');
  }
  const language = requireGrammar() as TreeSitter.Language;
  const parser = new Parser();
  parser.setLanguage(language);
  loaded = { Parser, language, parser };
  return loaded;
}

/**
 * The grammar addon's whole-tree export (tree-sitter-mesh/bindings/node/flat_tree.c): it
 * parses with its own copy of the tree-sitter runtime and returns the tree as typed arrays
 * in one call. Absent when the addon was built without the runtime's sources.
 */
interface FlatTree {
  readonly count: number;
  /** Symbol ids (ERROR mapped past the grammar's symbols); names from symbolNames(). */
  readonly kinds: Uint16Array;
  /** Field ids (0: none), only under the kinds set in the mask given to flatten(). */
  readonly fields: Uint16Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /** Pre-order index of the parent, -1 for a root. */
  readonly parents: Int32Array;
  /** 1 named, 2 missing. */
  readonly flags: Uint8Array;
}

declare const treeHandle: unique symbol;
type TreeHandle = { readonly [treeHandle]: true };

interface FlatBinding {
  parse(source: string): TreeHandle;
  hasError(tree: TreeHandle): boolean;
  flatten(tree: TreeHandle, issues: boolean, fieldMask?: Uint8Array): FlatTree;
  free(tree: TreeHandle): void;
  symbolNames(): string[];
  fieldNames(): Array<string | null>;
}

interface FlatGrammar {
  binding: FlatBinding;
  kindNames: readonly string[];
  fieldNames: ReadonlyArray<string | null>;
  errorKind: number;
  /** Kinds with fields (FIELDS_BY_KIND): only their children's fields are read, as snapshot() does. */
  fieldMask: Uint8Array;
}

let flatGrammar: FlatGrammar | null | undefined;
let flatEnabled = true;

/** For tests: parse with the node-by-node walk even when the whole-tree export is there (the fallback path). */
export function useFlatExport(enabled: boolean): void {
  flatEnabled = enabled;
}

/** The whole-tree export, or null when the grammar addon lacks it (then the node-by-node walk is used). */
function loadFlat(): FlatGrammar | null {
  if (!flatEnabled) return null;
  if (flatGrammar !== undefined) return flatGrammar;
  const module = requireGrammar() as { flat?: FlatBinding };
  const binding = module.flat;
  if (!binding) return (flatGrammar = null);
  const kindNames = binding.symbolNames();
  const fieldMask = new Uint8Array(kindNames.length);
  kindNames.forEach((name, id) => {
    if (FIELDS_BY_KIND[name] !== undefined) fieldMask[id] = 1;
  });
  return (flatGrammar = { binding, kindNames, fieldNames: binding.fieldNames(), errorKind: kindNames.indexOf('ERROR'), fieldMask });
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
  const flat = loadFlat();
  return flat ? parseFlat(flat, source, path) : parseLive(source, path);
}

/** parseSource through the whole-tree export. */
function parseFlat(flat: FlatGrammar, source: string, path: string): ParsedFile {
  const { binding } = flat;
  let tree: TreeHandle | undefined = binding.parse(source);
  const errors = binding.hasError(tree) ? toIssues(flatIssues(flat, binding.flatten(tree, true), source), source) : [];
  let root: MeshNode | undefined;
  return {
    path,
    source,
    get root(): MeshNode {
      if (!root) {
        root = buildSnapshot(flat, binding.flatten(tree!, false, flat.fieldMask));
        // The snapshot holds everything now: free the native tree instead of waiting for the GC.
        binding.free(tree!);
        tree = undefined;
      }
      return root;
    },
    errors,
  };
}

/** parseSource through node-tree-sitter, copying the tree node by node (snapshot()). */
function parseLive(source: string, path = '<input>'): ParsedFile {
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

/** What findIssues finds, from flatten(tree, true): the ERROR and MISSING subtrees, in the order it visits them. */
function flatIssues(flat: FlatGrammar, issues: FlatTree, source: string): FoundIssue[] {
  const found: FoundIssue[] = [];
  const nodes = buildNodes(flat, issues);
  for (let i = 0; i < nodes.length; i++) if (issues.parents[i] === -1) found.push(...issuesIn(nodes[i]!, source));
  return found;
}

/** Pre-order facts of a snapshot built from the whole-tree export, kept for src/gaps' TreeIndex. */
export interface Preorder {
  /** Every node of the snapshot in pre-order (document order; a parent before its children). */
  readonly nodes: readonly MeshNode[];
  /** Pre-order index of each node's parent (-1 for the root). */
  readonly parents: Int32Array;
  readonly starts: Int32Array;
  /** Kind id of each node; kindNames[id] is its type (several ids may share a name). */
  readonly kinds: Uint16Array;
  readonly kindNames: readonly string[];
}

const preorders = new WeakMap<MeshNode, Preorder>();

/** The pre-order tables of a snapshot root built from the whole-tree export (undefined for others). */
export function preorderOf(root: MeshNode): Preorder | undefined {
  return preorders.get(root);
}

function buildSnapshot(flat: FlatGrammar, tree: FlatTree): MeshNode {
  const nodes = buildNodes(flat, tree);
  const root = nodes[0]!;
  preorders.set(root, { nodes, parents: tree.parents, starts: tree.starts, kinds: tree.kinds, kindNames: flat.kindNames });
  return root;
}

/**
 * Snapshot nodes from the exported arrays, in their (pre-)order; nodes whose parent is -1
 * are roots. Same objects, fields and property order as snapshot() makes.
 */
function buildNodes(flat: FlatGrammar, tree: FlatTree): MeshNode[] {
  const { count, kinds, fields, starts, ends, parents, flags } = tree;
  const { kindNames, fieldNames, errorKind } = flat;
  // Children arrays get their exact length up front: grown by push, a 2-child array would
  // reserve 17 slots, a third of the heap of a big tree. fill[] first counts, then places.
  const fill = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const p = parents[i]!;
    if (p >= 0) fill[p] = fill[p]! + 1;
  }
  // Pushed, not preallocated: V8 keeps a `new Array(n)` this large as a slow dictionary.
  const nodes: Building[] = [];
  for (let i = 0; i < count; i++) {
    const kind = kinds[i]!;
    const field = fields[i]!;
    const flag = flags[i]!;
    const childCount = fill[i]!;
    const built: Building = {
      type: kindNames[kind]!,
      field: field === 0 ? null : fieldNames[field]!,
      start: starts[i]!,
      end: ends[i]!,
      named: (flag & 1) !== 0,
      isError: kind === errorKind,
      isMissing: (flag & 2) !== 0,
      children: childCount === 0 ? NO_CHILDREN : new Array<MeshNode>(childCount),
    };
    fill[i] = 0;
    nodes.push(built);
    const p = parents[i]!;
    if (p >= 0) {
      (nodes[p]!.children as MeshNode[])[fill[p]!] = built;
      fill[p] = fill[p]! + 1;
    }
  }
  return nodes;
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
