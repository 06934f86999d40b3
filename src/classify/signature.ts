import type { Stage } from '../types/index.js';

/**
 * Signature normalisation. The version is stored with every signature so that changing the
 * algorithm never silently regroups a journal: bump it (sig-v2, …) instead of editing v1.
 */
export const SIGNATURE_VERSION = 'sig-v1';

const MAX_MESSAGE = 240;

/**
 * sig-v1: strip what varies between runs of the same bug — paths, temp dir names,
 * line/column, addresses, ids, numbers — so that one bug gets one signature.
 * Order matters: paths before numbers (paths contain digits), addresses before numbers.
 */
export function normalizeMessage(message: string): string {
  // Only the start matters for grouping; bounding it keeps the regexes cheap on huge lines.
  let s = stripAnsi(message.slice(0, 4 * MAX_MESSAGE));
  // ariadne's anonymous source and Mesh panics: `<unknown>:3:7`, `<unknown>:0`.
  s = s.replace(/<(unknown|compiler)>(:\d+)+/g, '<$1>');
  // Absolute paths (Unix and Windows), including temp dirs: /tmp/mesher-triage-x1y2/project/main.mpl:3:7
  s = s.replace(/(?<![\w.>-])(?:[A-Za-z]:\\|\/)[^\s:'"`,;()<>[\]{}]*[^\s:'"`,;()<>[\]{}.]/g, '<path>');
  // Relative source paths: project/main.mpl, compiler/mesh-codegen/src/codegen/expr.rs
  s = s.replace(/\b[\w.-]+(?:\/[\w.-]+)*\.(?:mpl|rs|c|o|ll|a|toml)\b/g, '<path>');
  // Line/column suffixes left after a path: <path>:12:5
  s = s.replace(/(<path>)(?::\d+)+/g, '$1');
  // Addresses.
  s = s.replace(/\b0x[0-9a-fA-F]+\b/g, '<addr>');
  // UUIDs and long hex ids/hashes (at least 8 hex digits with a digit in them).
  s = s.replace(/\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b/g, '<id>');
  s = s.replace(/\b(?=[0-9a-fA-F]*\d)[0-9a-fA-F]{8,}\b/g, '<id>');
  // Temp names that survive without a slash: tmp.Ab12Cd, mesher-triage-k3j4
  s = s.replace(/\btmp[.\w-]*\d[.\w-]*/g, '<tmp>');
  // Thread ids: thread 'main' (12345)
  s = s.replace(/(thread '[^']*') \(\d+\)/g, '$1');
  // LLVM value and block numbers: %12, %and_result3 keeps its name but not the number.
  s = s.replace(/%(\d+)\b/g, '%<n>');
  // Remaining stand-alone numbers (not part of identifiers such as i64 or E0001).
  s = s.replace(/(?<![\w.])-?\d+(?:\.\d+)?(?![\w])/g, '<n>');
  s = s.replace(/\s+/g, ' ').trim();
  return s.length > MAX_MESSAGE ? s.slice(0, MAX_MESSAGE) : s;
}

/** `stage|code|normalized message` */
export function makeSignature(stage: Stage, code: string, message: string): string {
  return `${stage}|${code}|${normalizeMessage(message)}`;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}
