import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../../../..');
let built: string | undefined;

/**
 * The compiled journal module for worker processes: dist/journal/index.js when it is newer
 * than every source it comes from (as after `npm test`'s build), else a fresh compile of
 * src/journal alone into a temp directory, so workers always run the current source.
 */
export function buildJournalForWorkers(): string {
  if (built) return built;
  const dist = join(ROOT, 'dist/journal/index.js');
  if (existsSync(dist) && newestSource() <= oldestOutput()) return (built = dist);
  const outDir = mkdtempSync(join(tmpdir(), 'journal-build-'));
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/typescript/bin/tsc'),
      '--outDir', outDir, '--rootDir', join(ROOT, 'src'),
      '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022',
      '--strict', '--esModuleInterop', '--skipLibCheck', '--types', 'node',
      join(ROOT, 'src/journal/index.ts'),
    ],
    { cwd: ROOT, stdio: 'pipe' },
  );
  // ESM resolves packages by walking up from the importing file: give the build our node_modules.
  symlinkSync(join(ROOT, 'node_modules'), join(outDir, 'node_modules'), 'dir');
  return (built = join(outDir, 'journal/index.js'));
}

function mtimes(dir: string, ext: string): number[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(ext))
    .map((f) => statSync(join(dir, f)).mtimeMs);
}

function newestSource(): number {
  return Math.max(...mtimes(join(ROOT, 'src/journal'), '.ts'), ...mtimes(join(ROOT, 'src/types'), '.ts'));
}

function oldestOutput(): number {
  const outputs = [...mtimes(join(ROOT, 'dist/journal'), '.js'), ...mtimes(join(ROOT, 'dist/types'), '.js')];
  // A source file without its output (new module) also means stale.
  const sources = readdirSync(join(ROOT, 'src/journal')).filter((f) => f.endsWith('.ts'));
  if (sources.some((f) => !existsSync(join(ROOT, 'dist/journal', f.replace(/\.ts$/, '.js'))))) return -Infinity;
  return Math.min(...outputs);
}
