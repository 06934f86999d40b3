import { observeBuild } from './build-output.js';
import { observeRun } from './run-output.js';
import type { BuildAndRun, Observation, ObserveOptions } from './types.js';

/**
 * The symptom of one build (+ run): the build's when it failed, else the run's. A successful
 * build's codegen warnings travel with the run observation (they are suspicious either way).
 */
export function observe(records: BuildAndRun, options: ObserveOptions = {}): Observation {
  const build = observeBuild(records.build, options);
  if (build.symptom.stage !== 'ok' || !records.run) return build;
  const run = observeRun(records.run, options);
  return { ...run, codegenWarnings: build.codegenWarnings, diagnostics: build.diagnostics };
}

/** True when the observation is a failure worth reducing or classifying. */
export function isFailure(observation: Observation): boolean {
  return observation.symptom.stage !== 'ok';
}
