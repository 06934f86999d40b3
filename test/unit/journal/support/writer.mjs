// Worker for the multi-process journal tests: node writer.mjs <journal-module> <db> <worker> <count> [report]
// Writes <count> occurrences over a few shared signatures; with "report", prints each
// committed occurrence id on its own line right after the commit returns.
const [modulePath, dbPath, worker, count, mode] = process.argv.slice(2);
const { openJournal } = await import(modulePath);
const journal = openJournal(dbPath, { lockTimeoutMs: 120_000 });
const signatures = ['llvm-verify||instruction does not dominate all uses', 'parse||expected expression', 'compiler-crash||panicked at'];
for (let i = 0; i < Number(count); i++) {
  const message = signatures[i % signatures.length];
  const result = journal.recordOccurrence({
    symptom: { stage: message.split('|')[0], code: '', message, signature: message, signatureVersion: 'sig-v1', generic: false },
    compiler: { path: '/usr/bin/meshc', version: 'meshc 0.1.0', dialect: 'april' },
    sourcePath: `worker-${worker}/record-${i}.mpl`,
    rawOutput: `error from worker ${worker} record ${i}`,
  });
  if (mode === 'report') process.stdout.write(`${result.occurrenceId}\n`);
}
journal.close();
process.stdout.write('done\n');
