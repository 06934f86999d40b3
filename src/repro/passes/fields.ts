import type { Span } from '../../syntax/structs.js';
import type { Candidate } from '../../types/index.js';
import type { Pass } from './pass.js';
import { wholeThenChunks } from '../chunks.js';
import { deleteItemEdit, editCandidate } from '../program.js';
import type { Edit } from '../tree.js';

/**
 * Struct fields nothing reads (no `x.f`, pattern or update names them) go from the struct's
 * definition and from every literal of that struct in the same candidate: either edit alone
 * does not compile, so hdd cannot find it. All unread fields first, then ddmin over them.
 */
export const dropFields: Pass = {
  name: 'fields',
  *propose(state, cursor, port) {
    if (!port.structFields) return;
    const files = state.files.map((f) => ({ path: f.path, source: f.source, shape: port.structFields!(f.source, f.root) }));
    const read = new Set(files.flatMap((f) => [...f.shape.read]));
    const unread: Array<{ path: string; struct: string; field: Span & { name: string } }> = [];
    for (const file of files) {
      for (const [struct, fields] of file.shape.structs) for (const field of fields) if (!read.has(field.name)) unread.push({ path: file.path, struct, field });
    }
    const without = (gone: typeof unread): Candidate => {
      const edits: Array<Edit & { path: string }> = gone.map((g) => ({ path: g.path, ...deleteItemEdit(files.find((f) => f.path === g.path)!.source, g.field) }));
      for (const file of files) {
        for (const literal of file.shape.literals) {
          const drop = new Set(gone.filter((g) => g.struct === literal.struct).map((g) => g.field.name));
          const kept = literal.fields.filter((f) => !drop.has(f.name));
          if (kept.length === literal.fields.length) continue;
          // The initializers are rewritten as one list, so no separator is left dangling.
          const text = kept.map((f) => file.source.slice(f.start, f.end)).join(', ');
          edits.push({ path: file.path, start: literal.fields[0]!.start, end: literal.fields.at(-1)!.end, text });
        }
      }
      return editCandidate(state.candidate, edits);
    };
    for (const chunk of wholeThenChunks(unread.length, cursor)) {
      yield { alternatives: [without(unread.slice(chunk.from, chunk.to))], cursor: chunk.cursor };
    }
  },
};
