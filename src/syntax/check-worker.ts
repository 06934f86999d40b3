// Worker thread for checkFiles: reads and parses one file per message, replies with its issues.
import { parentPort } from 'node:worker_threads';
import { UserError } from '../types/index.js';
import { parseSource } from './parser.js';
import { readMeshFile } from './read-file.js';
import { toSExpression } from './walk.js';
import type { CheckRequest, CheckReply } from './check-files.js';

parentPort?.on('message', (request: CheckRequest) => {
  void check(request).then((reply) => parentPort?.postMessage(reply));
});

async function check({ id, path, withTree }: CheckRequest): Promise<CheckReply> {
  try {
    const parsed = parseSource(await readMeshFile(path), path);
    return { id, file: { path, errors: parsed.errors, ...(withTree ? { tree: toSExpression(parsed.root) } : {}) } };
  } catch (err) {
    if (err instanceof UserError) return { id, unreadable: { path, message: err.message, hint: err.hint, exitCode: err.exitCode } };
    return { id, crash: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
}
