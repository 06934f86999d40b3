#!/usr/bin/env node
// Gap-scan throughput benchmark: `npm run bench:scan` (builds first).
// Generates its inputs in a temp dir: a 15 MB file of one 4-line function repeated, a
// 50,000-term `1 + 1 + ...` chain, 50,000 nested ifs, 50,000 nested parentheses and 10,000
// nested ifs. Scans each as `mesher-triage gaps scan <file> --all` does (every catalog gap,
// in process) and prints bytes, findings, seconds and MB/s, with the time split into
// parse (read, tree-sitter, syntax issues), snapshot (MeshNode objects; src/syntax) and the
// scan itself (src/gaps).
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFile } from '../dist/syntax/index.js';
import { scanParsed } from '../dist/gaps/index.js';

const N = 50_000;
const handler = (i) =>
  `pub fn handle_${i}(request :: Request) -> Response do\n` +
  `  let body = Request.body(request) |> String.trim()\n` +
  `  HTTP.response(200, "handled request ${i}: \${body}")\n` +
  `end\n`;
const nestedIfs = (n) => 'fn pick(a :: Bool) -> Int do\n  let x = ' + 'if a && a do\n'.repeat(n) + '1\n' + 'else\n0\nend\n'.repeat(n) + '  x\nend\n';

const INPUTS = [
  {
    name: '15 MB of one function',
    repeats: 1,
    make: () => {
      const parts = [];
      let size = 0;
      for (let i = 1; size < 15_000_000; i++) {
        parts.push(handler(i));
        size += parts[parts.length - 1].length;
      }
      return parts.join('');
    },
  },
  { name: `${N} + chain`, repeats: 3, make: () => `fn main() do\n  let x = ${Array(N).fill('1').join(' + ')}\n  println("\${x}")\nend\n` },
  { name: `${N} nested ifs`, repeats: 3, make: () => nestedIfs(N) },
  { name: `${N} nested parens`, repeats: 3, make: () => `fn ok(a :: Bool, b :: Bool) -> Bool do\n  ${'('.repeat(N)}a && b${')'.repeat(N)}\nend\n` },
  { name: '10000 nested ifs', repeats: 3, make: () => nestedIfs(10_000) },
];

const dir = mkdtempSync(join(tmpdir(), 'bench-scan-'));
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const clock = () => Number(process.hrtime.bigint()) / 1e9;

process.stdout.write(`$ node scripts/bench-scan.js\n`);
process.stdout.write(`inputs: generated in ${dir} (removed afterwards); each scanned with every catalog gap (--all), best of the runs shown\n`);
try {
  // Untimed warm-up: loads the grammar and compiles the scanner's code paths.
  const warm = join(dir, 'warm.mpl');
  writeFileSync(warm, handler(1) + nestedIfs(10));
  scanParsed(await parseFile(warm), { includeFixed: true });

  for (const input of INPUTS) {
    const file = join(dir, `${input.name.replace(/\W+/g, '-')}.mpl`);
    writeFileSync(file, input.make());
    const bytes = statSync(file).size;
    let best;
    for (let r = 0; r < input.repeats; r++) {
      const c0 = cpuNow();
      const t0 = clock();
      const parsed = await parseFile(file);
      const tParsed = clock();
      void parsed.root; // the snapshot is built on first access
      const t1 = clock();
      const c1 = cpuNow();
      const findings = scanParsed(parsed, { includeFixed: true }).length;
      const run = { parse: tParsed - t0, front: t1 - t0, frontCpu: c1 - c0, scan: clock() - t1, scanCpu: cpuNow() - c1, findings };
      run.seconds = run.front + run.scan;
      run.cpu = run.frontCpu + run.scanCpu;
      if (!best || run.seconds < best.seconds) best = run;
    }
    const mbs = (s) => (bytes / 1e6 / s).toFixed(2);
    process.stdout.write(
      `${input.name.padEnd(22)} bytes ${String(bytes).padStart(9)}  findings ${String(best.findings).padStart(6)}` +
        `  seconds ${best.seconds.toFixed(2)}  MB/s ${mbs(best.seconds)} (CPU time ${mbs(best.cpu)})` +
        `  parse ${best.parse.toFixed(2)} s (alone ${mbs(best.parse)} MB/s) + snapshot ${(best.front - best.parse).toFixed(2)} s, scan ${best.scan.toFixed(2)} s (scan alone ${mbs(best.scan)} MB/s)\n`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
