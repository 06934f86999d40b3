import { ExitCode, UserError } from '../types/index.js';
import type { FindMeshcOptions } from './api.js';
import { resolveCommand, searchPath } from './executables.js';

export const HOW_TO_GET_MESHC =
  'meshc is not on any package registry: build it from the mesh-lang repository with cargo ' +
  '(it needs LLVM 21, and the runtime library libmesh_rt.a built next to it), then pass ' +
  '--meshc /path/to/meshc or set MESHC=/path/to/meshc.';

/**
 * Finds the meshc to use: the `--meshc` flag, then env MESHC, then `meshc` on PATH.
 * A flag or MESHC that names nothing usable is an error, not a reason to fall through:
 * silently picking another compiler would make every verdict about the wrong one.
 */
export async function findMeshc(options: FindMeshcOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  if (options.flag !== undefined && options.flag !== '') return mustResolve(options.flag, '--meshc', env.PATH);
  if (env.MESHC) return mustResolve(env.MESHC, 'MESHC', env.PATH);
  const onPath = searchPath('meshc', env.PATH);
  if (onPath) return onPath;
  throw new UserError('meshc not found (no --meshc flag, no MESHC variable, no meshc on PATH)', ExitCode.SETUP, HOW_TO_GET_MESHC);
}

function mustResolve(name: string, source: string, pathVar: string | undefined): string {
  const found = resolveCommand(name, pathVar);
  if (found) return found;
  throw new UserError(`${source} names '${name}', which is not an executable file`, ExitCode.SETUP, HOW_TO_GET_MESHC);
}
