/**
 * Small builders for the tree-sitter query text used by the catalog, so every gap's
 * detection stays readable data. Node kinds and field names come from
 * tree-sitter-mesh/grammar.js (`call_expression function:/arguments:`,
 * `field_access object:/field:`, ...).
 */

/** Escapes a string for use inside a query string literal. */
function lit(text: string): string {
  return JSON.stringify(text);
}

/**
 * A call `Module.name(...)`, captured as `@<capture>`. `name` may be a regular expression
 * (wrapped in `^...$`) when `nameIsPattern` is set. `args` is extra query text placed inside
 * `(arguments ...)`.
 */
export function qualifiedCall(
  module: string,
  name: string,
  capture: string,
  options: { nameIsPattern?: boolean; args?: string; tag?: string } = {},
): string {
  const tag = options.tag ?? 'q';
  const args = options.args !== undefined ? ` arguments: (arguments ${options.args})` : '';
  const nameTest = options.nameIsPattern ? `(#match? @${tag}_name ${lit(`^(${name})$`)})` : `(#eq? @${tag}_name ${lit(name)})`;
  const moduleTest = module.includes('|') ? `(#match? @${tag}_mod ${lit(`^(${module})$`)})` : `(#eq? @${tag}_mod ${lit(module)})`;
  return `((call_expression function: (field_access object: (identifier) @${tag}_mod field: (identifier) @${tag}_name)${args}) @${capture} ${moduleTest} ${nameTest})`;
}

/** Joins several patterns into one query (tree-sitter runs them all). */
export function anyOf(...patterns: string[]): string {
  return patterns.join('\n');
}

/**
 * Top-level patterns of a query (balanced parentheses outside strings, with any trailing
 * `@capture`), so each can be checked on its own.
 */
export function splitPatterns(queryText: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < queryText.length; i++) {
    const c = queryText[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === ';') {
      const nl = queryText.indexOf('\n', i);
      i = nl === -1 ? queryText.length : nl;
    } else if (c === '(' || c === '[') {
      if (depth === 0) {
        if (start !== -1) out.push(queryText.slice(start, i).trim());
        start = i;
      }
      depth++;
    } else if (c === ')' || c === ']') depth--;
  }
  if (start !== -1) out.push(queryText.slice(start).trim());
  return out.filter((p) => p.length > 0);
}

/** Strings a pattern's `#eq?` predicates compare against: all must occur in the source for a match. */
export function requiredLiterals(pattern: string): string[] {
  const out: string[] = [];
  const re = /\(#eq\?\s+@[\w.-]+\s+"((?:[^"\\]|\\.)*)"\s*\)/g;
  for (let m = re.exec(pattern); m; m = re.exec(pattern)) out.push(JSON.parse(`"${m[1]!}"`) as string);
  return out;
}

/** The node kind a top-level pattern starts with (`((call_expression ...` → call_expression), if named. */
export function headKind(pattern: string): string | undefined {
  const m = /^\(+\s*([a-z_][a-z0-9_]*)/.exec(pattern);
  return m?.[1];
}

const KIND_TOKEN = /"(?:[^"\\]|\\.)*"|;[^\n]*|\[|\]|\(\s*([a-z_][a-z0-9_]*)/g;

/**
 * Named node kinds every match of a top-level pattern contains: each `(kind ...)` outside an
 * `[...]` alternation (the supported subset has no quantifiers or negations, so each such
 * node pattern must match some node). `(_)` and ERROR are not kinds here.
 */
export function requiredKinds(pattern: string): string[] {
  const out: string[] = [];
  let alternation = 0;
  for (const m of pattern.matchAll(KIND_TOKEN)) {
    if (m[0] === '[') alternation++;
    else if (m[0] === ']') alternation--;
    else if (m[1] !== undefined && m[1] !== '_' && alternation === 0) out.push(m[1]);
  }
  return out;
}

const splitCache = new Map<string, Array<{ kinds: string[]; literals: string[] }>>();

/**
 * Cheap pre-check: false when no top-level pattern of the query can match this file, because
 * a node kind it needs does not occur or a literal it compares with `#eq?` is not in the text.
 * Saves running most queries on most files (each query run walks the whole tree).
 */
export function mayMatch(queryText: string, source: string, hasKind: (kind: string) => boolean = () => true): boolean {
  let patterns = splitCache.get(queryText);
  if (!patterns) {
    patterns = splitPatterns(queryText).map((p) => ({ kinds: requiredKinds(p), literals: requiredLiterals(p) }));
    splitCache.set(queryText, patterns);
  }
  return patterns.some((p) => p.kinds.every(hasKind) && p.literals.every((lit) => source.includes(lit)));
}
