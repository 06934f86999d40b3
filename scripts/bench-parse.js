#!/usr/bin/env node
// Parse throughput benchmark: `npm run bench:parse [-- dir...]` (builds first).
// Parses every Mesh file under fixtures/mesh (or the given directories) and prints files,
// bytes, errors, seconds and MB/s for two paths: the syntax check the `parse` command does
// (parse + issues) and the full MeshNode snapshot that reducers and flattening use.
// If the fixtures hold less than 1 MB, they are parsed repeatedly until 1 MB has gone through.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { checkFiles, parseSource, walkMeshFiles, countNodes } from '../dist/syntax/index.js';

const root = resolve(fileURLToPath(import.meta.url), '..', '..');
const dirs = process.argv.slice(2).length > 0 ? process.argv.slice(2) : [join(root, 'fixtures', 'mesh')];
const MIN_BYTES = 1_000_000;

const sources = [];
for (const dir of dirs) {
  for await (const rel of walkMeshFiles(dir, { skipTests: false })) {
    sources.push({ path: join(dir, rel), text: await readFile(join(dir, rel), 'utf8') });
  }
}
if (sources.length === 0) {
  process.stderr.write(`no .mpl/.mesh files under ${dirs.join(', ')}\n`);
  process.exit(2);
}
const bytesOnce = sources.reduce((n, s) => n + Buffer.byteLength(s.text), 0);
const rounds = Math.max(1, Math.ceil(MIN_BYTES / bytesOnce));
// Untimed warm-up round: loads the grammar and lets the JIT and the allocator settle, so the
// figures are steady-state throughput (what a run over a whole project sees), not start-up.
for (const s of sources) parseSource(s.text, s.path);

// Each figure is measured REPEATS times. The headline is the fastest run, the median is shown
// beside it: on a shared VM the same pass varies up to 2x from run to run while its instruction
// count does not change, and the minimum is the estimate least disturbed by that noise
// (Chen & Revels, "Robust benchmarking in noisy environments", 2016).
const REPEATS = 7;

function run(label, fullSnapshot) {
  let errors = 0;
  let nodes = 0;
  const samples = [];
  for (let rep = 0; rep < REPEATS; rep++) {
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let r = 0; r < rounds; r++) {
      for (const s of sources) {
        const parsed = parseSource(s.text, s.path);
        if (rep === 0 && r === 0) errors += parsed.errors.length;
        if (fullSnapshot && rep === 0) nodes += countNodes(parsed.root);
      }
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    samples.push({ seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 });
  }
  samples.sort((a, b) => a.seconds - b.seconds);
  const median = samples[Math.floor(REPEATS / 2)];
  const best = samples[0];
  const bestCpu = Math.min(...samples.map((s) => s.cpuSeconds));
  const bytes = bytesOnce * rounds;
  const mbs = (b, s) => (b / 1e6 / s).toFixed(2);
  process.stdout.write(
    `${label.padEnd(22)} files ${String(sources.length * rounds).padStart(6)}  bytes ${String(bytes).padStart(10)}  errors ${String(errors).padStart(4)}` +
      `  seconds ${best.seconds.toFixed(3)}  MB/s ${mbs(bytes, best.seconds)} best of ${REPEATS} (median ${mbs(bytes, median.seconds)}; CPU time ${mbs(bytes, bestCpu)})` +
      (fullSnapshot ? `  nodes ${nodes / rounds}` : '') +
      '\n',
  );
}

process.stdout.write(`$ node scripts/bench-parse.js ${process.argv.slice(2).join(' ')}`.trimEnd() + '\n');
process.stdout.write(`inputs: ${dirs.join(', ')} (${sources.length} files, ${bytesOnce} bytes; ${rounds} round${rounds === 1 ? '' : 's'} per timed run, after 1 warm-up round)\n`);
run('parse + issues', false);
run('parse + full snapshot', true);
await runParallel();

// What `mesher-triage parse --jobs N <dir>` does: read + parse + issues in N worker threads
// (the default for trees over 2 MiB per worker). One call over every round's files, so the
// workers start once, as they do in one `parse` run over a big tree.
async function runParallel() {
  const workers = availableParallelism();
  const paths = Array.from({ length: rounds }, () => sources.map((s) => s.path)).flat();
  let errors = 0;
  const t0 = process.hrtime.bigint();
  for await (const result of checkFiles(paths, { workers })) if ('file' in result) errors += result.file.errors.length;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const bytes = bytesOnce * rounds;
  process.stdout.write(
    `${`${workers} worker threads`.padEnd(22)} files ${String(paths.length).padStart(6)}  bytes ${String(bytes).padStart(10)}  errors ${String(errors / rounds).padStart(4)}` +
      `  seconds ${seconds.toFixed(3)}  MB/s ${(bytes / 1e6 / seconds).toFixed(2)} (wall, one run; includes reading files and starting the workers)\n`,
  );
}
