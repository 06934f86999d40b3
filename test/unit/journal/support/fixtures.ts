import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CompilerInfo, KnownGap, Symptom, Verdict } from '../../../../src/types/index.js';

/** A fresh temp directory per test; removed by the returned cleanup. */
export function tempDir(prefix = 'journal-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function symptom(message: string, stage: Symptom['stage'] = 'llvm-verify'): Symptom {
  return { stage, code: '', message, signature: `${stage}||${message.toLowerCase()}`, signatureVersion: 'sig-v1', generic: false };
}

export const FEB: CompilerInfo = { path: '/opt/meshc-feb/bin/meshc', version: 'meshc 0.1.0 (c8728bd2)', dialect: 'february' };
export const APR: CompilerInfo = { path: '/opt/meshc-apr/bin/meshc', version: 'meshc 0.1.0 (5bc8e7f)', dialect: 'april' };

export const COMPILER_VERDICT: Verdict = {
  class: 'compiler',
  confidence: 0.9,
  reasons: ['LLVM verification failed after the front end accepted the program'],
};

export function gap(key: string, february: KnownGap['status']['february'], april: KnownGap['status']['april'], extra: Partial<KnownGap> = {}): KnownGap {
  return {
    key,
    title: `gap ${key}`,
    kind: 'compiler',
    stage: 'parse',
    signaturePatterns: ['expected expression'],
    trigger: 'a line that starts with a pipe',
    workaround: 'keep the chain on one line',
    status: { february, april },
    detection: {},
    probe: `fixtures/mesh/gaps/${key}.mpl`,
    ...extra,
  };
}
