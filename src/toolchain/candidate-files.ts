import { posix } from 'node:path';
import { ExitCode, UserError, type Candidate } from '../types/index.js';

/** The fixed project directory name: binary at `project/project`, diagnostics say `project/…`. */
export const PROJECT_NAME = 'project';

/**
 * Checks that every candidate path is a plain relative path that stays inside the
 * project and cannot collide with the binary meshc writes at `project/project`.
 */
export function checkCandidatePaths(candidate: Candidate): void {
  if (candidate.size === 0) throw new UserError('the candidate has no files', ExitCode.INPUT);
  for (const path of candidate.keys()) {
    const normal = posix.normalize(path);
    const bad =
      path === '' ||
      path.includes('\0') ||
      path.includes('\\') ||
      posix.isAbsolute(path) ||
      normal !== path ||
      normal === '.' ||
      normal.startsWith('../') ||
      normal === '..';
    if (bad) throw new UserError(`candidate file path '${path}' must be a plain relative path inside the project`, ExitCode.INPUT);
    const top = normal.split('/')[0];
    if (top === PROJECT_NAME || top === `${PROJECT_NAME}.o` || top === `${PROJECT_NAME}.ll`) {
      throw new UserError(
        `candidate file path '${path}' collides with the build output '${PROJECT_NAME}/${top}'`,
        ExitCode.INPUT,
        `rename the '${top}' file or folder`,
      );
    }
  }
}
