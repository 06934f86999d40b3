/**
 * A Mesh program under reduction: relative path → source text. A single file is
 * `{ 'main.mpl': text }`; a project keeps its relative paths.
 */
export type Candidate = ReadonlyMap<string, string>;

export type OracleOutcome = 'interesting' | 'boring' | 'timeout' | 'invalid';

/** Decides whether a candidate still shows the failure. Injected into the reducer. */
export type Oracle = (candidate: Candidate, signal?: AbortSignal) => Promise<OracleOutcome>;
