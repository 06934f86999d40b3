/** The toolchain: find meshc, detect its dialect, build candidates, run binaries. */
export type {
  FindMeshcOptions,
  SpawnOptions,
  OptLevel,
  BuildOptions,
  BuiltCandidate,
  RunOptions,
  ObserveOptions,
  Observation,
} from './api.js';
export { findMeshc, HOW_TO_GET_MESHC } from './find-meshc.js';
export { compilerInfo, clearCompilerInfoCache, parseVersion, dialectFromHelp } from './compiler-info.js';
export { buildCandidate, withBuild, meshcBuildArgs } from './build.js';
export { runBinary, memoryLimitSupported } from './run-binary.js';
export { observe } from './observe.js';
export { defaultPool, setDefaultPoolSize } from './pool.js';
export { runProcess, ProcessPool, killAllProcesses, type ProcessOptions, type ProcessRecord } from './process.js';
export { startServer, type ServerOptions, type ServerProcess, type ServerExit } from './server-process.js';
