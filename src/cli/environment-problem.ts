import { ExitCode, UserError } from '../types/index.js';

/** File-system failures that are the machine's state, not a bug: permissions, space, paths. */
const ENVIRONMENT_ERRNO: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'is a folder',
  ENAMETOOLONG: 'name too long',
  ELOOP: 'too many symbolic links',
  EMFILE: 'too many open files',
};

/**
 * The last safety net: an unexpected file-system error from any command becomes a clear
 * error with exit 3 instead of a stack trace. Commands should catch their own first, with
 * a better hint; this only keeps a missed one from looking like a bug.
 */
export function environmentProblem(err: unknown): UserError | undefined {
  const errno = err as NodeJS.ErrnoException | undefined;
  const reason = errno?.code ? ENVIRONMENT_ERRNO[errno.code] : undefined;
  if (!reason) return undefined;
  const where = errno?.path ? `${errno.path}: ` : '';
  return new UserError(
    `cannot use ${where}${reason}`,
    ExitCode.INPUT,
    'check the path and its permissions, or choose another location with the command\'s options',
  );
}
