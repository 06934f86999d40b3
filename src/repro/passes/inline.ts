import type { Pass } from './pass.js';
import { deleteItemEdit, editCandidate, entryIndex, indentAt, programOf, reachableFrom } from '../program.js';

/**
 * Inline a function called from exactly one place: `f(a)` or `let x = f(a)` becomes
 * `let p = a` for each parameter, then f's statements (the last one bound to x); a call
 * nested in a statement (`println(f(a))`) gets those lines before its statement and f's last
 * expression in its place. f's definition goes. Collapses the chain of calls from main to the
 * failure that the tree passes cannot (Mesh has no block expression to hoist). Callers are
 * visited breadth-first from main, calls in source order.
 */
export const inlineCalls: Pass = {
  name: 'inline',
  *propose(state, cursor, port) {
    // Resume after the proposals that failed before the accepted one (it is gone now).
    const skip = typeof cursor === 'number' ? cursor : 0;
    let ordinal = 0;
    const program = programOf(state, port);
    if (!program) return;
    const entry = entryIndex(program);
    const callers = entry >= 0 ? reachableFrom(program, [entry]) : program.items.map((_, i) => i);
    const byName = new Map<string, number[]>();
    program.items.forEach((item, i) => {
      for (const name of item.defines) byName.set(name, [...(byName.get(name) ?? []), i]);
    });
    for (const callerIndex of callers) {
      const caller = program.items[callerIndex]!;
      if (!caller.fn) continue;
      const callerText = (state.candidate.get(caller.path) ?? '').slice(caller.start, caller.end);
      for (const call of caller.fn.calls) {
        const targets = byName.get(call.callee) ?? [];
        if (targets.length !== 1 || targets[0] === callerIndex || targets[0] === entry) continue;
        const callee = program.items[targets[0]!]!;
        const fn = callee.fn;
        if (!fn || fn.statements.length === 0 || fn.params.length !== call.args.length || fn.params.some((p) => p.name === null)) continue;
        // Only call site: no other item names it, and the caller names it once.
        if (program.items.some((item, i) => i !== callerIndex && i !== targets[0] && (item.refs.includes(call.callee) || item.bodies.some((b) => b.refs.includes(call.callee))))) continue;
        if ((callerText.match(new RegExp(`\\b${call.callee}\\b`, 'g')) ?? []).length !== 1) continue;
        if (callee.bodies.some((b) => b.refs.includes(call.callee))) continue;
        const last = fn.statements[fn.statements.length - 1]!;
        const nested = call.statementStart !== null;
        if ((call.binding !== null || nested) && !last.expression) continue;
        const lines = fn.params.map((p, i) => `let ${p.name} = ${call.args[i]}`);
        for (const stmt of fn.statements.slice(0, -1)) lines.push(stmt.text);
        const source = state.candidate.get(caller.path) ?? '';
        const calleeSource = state.candidate.get(callee.path) ?? '';
        const edits = [{ path: callee.path, ...deleteItemEdit(calleeSource, callee) }];
        if (nested) {
          // The callee's statements go before the caller's statement; its value replaces the call.
          const indent = indentAt(source, call.statementStart!);
          if (lines.length > 0) edits.push({ path: caller.path, start: call.statementStart!, end: call.statementStart!, text: `${lines.join(`\n${indent}`)}\n${indent}` });
          edits.push({ path: caller.path, start: call.start, end: call.end, text: last.primary ? last.text : `(${last.text})` });
        } else {
          lines.push(call.binding === null ? last.text : `let ${call.binding} = ${last.text}`);
          edits.push({ path: caller.path, start: call.start, end: call.end, text: lines.join(`\n${indentAt(source, call.start)}`) });
        }
        const k = ordinal++;
        if (k >= skip) yield { alternatives: [editCandidate(state.candidate, edits)], cursor: k };
      }
    }
  },
};
