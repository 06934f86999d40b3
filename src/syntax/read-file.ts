import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { ExitCode, UserError } from '../types/index.js';

export const DEFAULT_MAX_FILE_BYTES = 16 * 1024 * 1024;

export interface ReadMeshFileOptions {
  /** Files larger than this are refused (default 16 MiB). */
  maxBytes?: number;
}

/**
 * Reads a Mesh source file as UTF-8 and refuses input that cannot be Mesh code:
 * missing, not a regular file, empty or whitespace-only, binary (NUL byte or invalid
 * UTF-8) or larger than the limit. Every refusal is a UserError(INPUT) with a hint.
 */
export async function readMeshFile(path: string, options: ReadMeshFileOptions = {}): Promise<string> {
  return readMeshFileSync(path, options);
}

/**
 * The same, synchronously: a source file is small and read whole, and the few async
 * round trips per file (stat, open, read, close) cost more than the parse on a big tree.
 */
export function readMeshFileSync(path: string, options: ReadMeshFileOptions = {}): string {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw unreadable(path, err);
  }
  let bytes: Buffer;
  try {
    const info = fstatSync(fd);
    if (info.isDirectory()) {
      throw new UserError(`${path} is a directory, not a Mesh file`, ExitCode.INPUT, 'pass a .mpl file, or a directory to a command that walks directories');
    }
    if (!info.isFile()) throw new UserError(`${path} is not a regular file`, ExitCode.INPUT, 'pass a .mpl or .mesh file');
    if (info.size > maxBytes) {
      throw new UserError(
        `${path} is too large to be a Mesh source file (${formatBytes(info.size)}; the limit is ${formatBytes(maxBytes)})`,
        ExitCode.INPUT,
        'check that this is the file you meant; the limit exists to catch generated or binary files',
      );
    }
    // Read through the handle into a bounded buffer, so a file that grows after fstat is still bounded.
    const buffer = Buffer.alloc(Math.min(maxBytes + 1, info.size + 1));
    let total = 0;
    for (;;) {
      const bytesRead = readSync(fd, buffer, total, buffer.length - total, total);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total === buffer.length) break;
    }
    if (total > maxBytes) {
      throw new UserError(`${path} is larger than the limit of ${formatBytes(maxBytes)}`, ExitCode.INPUT, 'check that this is the file you meant');
    }
    bytes = buffer.subarray(0, total);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw unreadable(path, err);
  } finally {
    closeSync(fd);
  }
  return decodeMeshSource(path, bytes);
}

/** Validates and decodes raw bytes (exported for tests and for callers that already hold bytes). */
export function decodeMeshSource(path: string, bytes: Uint8Array): string {
  if (bytes.length === 0) {
    throw new UserError(`${path} is empty`, ExitCode.INPUT, 'a Mesh file needs at least one definition, e.g. `fn main() do ... end`');
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    throw new UserError(`${path} looks binary (NUL byte at offset ${nul})`, ExitCode.INPUT, 'pass a Mesh source file (.mpl or .mesh), not a compiled binary or archive');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UserError(`${path} is not valid UTF-8`, ExitCode.INPUT, 'Mesh sources are UTF-8; re-save the file as UTF-8 (e.g. `iconv -t UTF-8`)');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim().length === 0) {
    throw new UserError(`${path} holds only whitespace`, ExitCode.INPUT, 'a Mesh file needs at least one definition, e.g. `fn main() do ... end`');
  }
  return text;
}

function unreadable(path: string, err: unknown): UserError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new UserError(`${path} does not exist`, ExitCode.INPUT, 'check the path (it is resolved from the current directory)');
  if (code === 'EACCES' || code === 'EPERM') return new UserError(`${path} is not readable (permission denied)`, ExitCode.INPUT, 'check the file permissions');
  const detail = err instanceof Error ? err.message : String(err);
  return new UserError(`cannot read ${path}: ${detail}`, ExitCode.INPUT, 'check that the path names a readable Mesh file');
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}
