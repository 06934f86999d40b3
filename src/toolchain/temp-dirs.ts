import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Temp dirs not yet disposed; removed on process exit as a last line of defence. */
const live = new Set<string>();
let exitHookInstalled = false;

export async function makeTempDir(prefix = 'mesher-triage-'): Promise<string> {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', removeAllTempDirsSync);
  }
  const dir = await mkdtemp(join(tmpdir(), prefix));
  live.add(dir);
  return dir;
}

export async function removeTempDir(dir: string): Promise<void> {
  live.delete(dir);
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
}

/** Forget a dir without removing it (the caller asked to keep it). */
export function keepTempDir(dir: string): void {
  live.delete(dir);
}

/** Temp dirs created and not yet removed or kept (for tests). */
export function liveTempDirs(): string[] {
  return [...live];
}

function removeAllTempDirsSync(): void {
  for (const dir of live) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // Best effort at exit.
    }
  }
  live.clear();
}
