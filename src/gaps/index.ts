// Public API of src/gaps: the known-gap catalog, probe loading, symptom matching and the scanner.
export { GAP_CATALOG, findGap, isOpenIn } from './catalog.js';
export { matchGap, matchGaps, type GapMatch, type MatchOptions } from './match.js';
export {
  loadProbe,
  parseProbe,
  judgeProbe,
  splitModules,
  probePath,
  repoRoot,
  type Probe,
  type ProbeMode,
  type ProbeExpectation,
  type ProbeOutcome,
  type ProbeObservation,
} from './probe.js';
export { scanSource, scanParsed, scanProject, scanPaths, activeGaps, type GapFinding, type ScanOptions, type ScanResult, type ScanDialect } from './scan.js';
export { GAP_PREDICATES, POOL_MAX_WARN_BELOW, LARGE_STRUCT_FIELDS, type ScanContext, type DetectionPredicate } from './predicates.js';
export { renderText, renderJson, renderSarif, SARIF_SCHEMA_URI, type SarifOptions } from './report.js';
