/**
 * The Mesher application harness: build the app with meshc, give it a real PostgreSQL,
 * migrate and seed, start it, drive scenarios (HTTP, SQL, WebSocket) under a /proc watch,
 * and turn what goes wrong into signed, classified findings. Data: mesher/profiles and
 * mesher/scenarios; format and behaviour: docs/mesher.md.
 */
export type * from './types.js';
export { loadProfile, resolveProfile, builtinProfileNames, PROFILES_DIR, PROFILE_VARS } from './profiles.js';
export { loadScenario, resolveScenario, builtinScenarioNames, checkScenarioVariables, SCENARIOS_DIR, DEFAULT_SCENARIOS } from './scenarios.js';
export { openDatabase, type Database, type DatabaseOptions } from './database.js';
export { runMesher, type MesherRunOptions } from './run.js';
export { phaseLine, scenarioLine, renderFinding, renderReport, renderJUnit, watchLine } from './report.js';
export { matchJson } from './match.js';
export { summarize, readProc } from './watch.js';
export { loadApp } from './app.js';
export { reproStep, appPort, type AppReproOptions, type AppReproResult } from './app-repro.js';
export { ReproSession, appOracle, matchTarget, type Replay, type StepTarget } from './step-oracle.js';
