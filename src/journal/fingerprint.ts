import { createHash } from 'node:crypto';

/**
 * The dedup key of a bug: signature *and* its algorithm version, so that a new
 * normalization never silently merges or splits what an older one grouped.
 */
export function fingerprint(signatureVersion: string, signature: string): string {
  return createHash('sha256').update(`${signatureVersion}\n${signature}`).digest('hex').slice(0, 16);
}

/** A stable short hash of repro files (path order independent), for repros added without a symptom. */
export function contentHash(files: ReadonlyMap<string, string>): string {
  const hash = createHash('sha256');
  for (const path of [...files.keys()].sort()) hash.update(`${path}\u0000${files.get(path) ?? ''}\u0000`);
  return hash.digest('hex').slice(0, 16);
}
