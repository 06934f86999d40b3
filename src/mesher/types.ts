import type { CompilerInfo, Symptom, Verdict } from '../types/index.js';

// ------------------------------------------------------------------------------------------
// Profiles (mesher/profiles/*.json): what one Mesher generation needs to be built, seeded,
// started and probed. Schema and meaning: docs/mesher.md.

export interface ProbeSpec {
  method: string;
  path: string;
  /** The status that means ready; `any`: any HTTP answer (repro's reduced apps may lose the route). */
  status: number | 'any';
}

export interface Profile {
  name: string;
  description: string;
  /** Where the profile came from (a file path). */
  source: string;
  /** How `--profile auto` recognises the app: its compiler's dialect, and files it has. */
  detect: { dialect?: 'february' | 'april'; files?: string[] };
  database:
    | { mode: 'env' }
    /** The app connects to this URL and no other (role, password, database and port). */
    | { mode: 'fixed'; url: string };
  /** meshc arguments that apply the migrations (run in the app folder, DATABASE_URL set). */
  migrate: { args: string[]; timeoutS: number };
  /** SQL run after the migrations, in order (templated). */
  seed: string[];
  /** Environment of the app (templated); `null` removes a variable the caller has. */
  env: Record<string, string | null>;
  /** Variables removed from the environment when their name starts with one of these. */
  unsetEnvPrefixes: string[];
  auth: { header: string; apiKey: string };
  /** Extra template variables (e.g. the project slug). */
  vars: Record<string, string>;
  /** Template variables read from the database after seeding: name → SQL returning one row, one column. */
  lookup: Record<string, string>;
  ready: {
    probe: ProbeSpec;
    timeoutS: number;
    intervalMs: number;
    /** Log lines (regular expressions) that mean the app failed to start. */
    failedLines: string[];
  };
  /** Log lines (regular expressions) that are findings whenever they appear: panics. */
  panicLines: string[];
  /** Thresholds of the resource watch, per 1,000 requests after warm-up. */
  growth: { threadsPer1k: number; rssMibPer1k: number; minRequests: number };
  build: { timeoutS: number };
}

// ------------------------------------------------------------------------------------------
// Scenarios (mesher/scenarios/*.json). Schema: docs/mesher.md.

export interface HttpExpect {
  /** One status or any of several. */
  status?: number[];
  /** The body parsed as JSON contains this (see docs/mesher.md, "Matching"). */
  json?: unknown;
  /** The raw body contains this text. */
  bodyIncludes?: string;
  maxLatencyMs?: number;
}

export interface HttpStep {
  kind: 'http';
  name: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Send the profile's API key in its auth header. */
  auth: boolean;
  /** A string is sent as it is; anything else as JSON. */
  body?: unknown;
  expect: HttpExpect;
  /** Template variables taken from the JSON body: name → dotted path (`data.0.id`). */
  capture: Record<string, string>;
  timeoutMs: number;
}

export interface SqlStep {
  kind: 'sql';
  name: string;
  query: string;
  params: string[];
  expect: { rows?: unknown[]; rowCount?: number };
  /** name → dotted path into the rows (`0.id`). */
  capture: Record<string, string>;
  timeoutMs: number;
}

export interface WsStep {
  kind: 'ws';
  name: string;
  /** Connections are named; one opened by a step stays open until the scenario ends. */
  connection: string;
  /** Opens the connection (on the app's WebSocket port). */
  path?: string;
  headers: Record<string, string>;
  send?: unknown;
  expect: { frame?: unknown; frameIncludes?: string; close?: number };
  withinMs: number;
  close: boolean;
}

export interface WaitUntilStep {
  kind: 'wait-until';
  name: string;
  step: HttpStep | SqlStep;
  timeoutMs: number;
  intervalMs: number;
}

export interface RepeatStep {
  kind: 'repeat';
  name: string;
  count: number;
  concurrency: number;
  steps: Array<HttpStep | SqlStep>;
}

export type Step = HttpStep | SqlStep | WsStep | WaitUntilStep | RepeatStep;

export interface Scenario {
  name: string;
  description: string;
  source: string;
  /** Profiles it applies to (empty: all). */
  profiles: string[];
  steps: Step[];
}

// ------------------------------------------------------------------------------------------
// Results.

export type FindingKind = 'crash' | 'panic' | 'wrong-response' | 'hang' | 'resource-growth' | 'startup-failure';

export interface Finding {
  kind: FindingKind;
  /** Pipeline step (build, migrate, ready, ...) or the scenario's name. */
  where: string;
  /** 1-based index of the scenario step, and its name, when a scenario step failed. */
  step?: { index: number; name: string };
  message: string;
  evidence: Evidence;
  symptom: Symptom;
  verdict: Verdict;
}

export interface Evidence {
  request?: string;
  status?: number;
  body?: string;
  expected?: string;
  exitCode?: number | null;
  signal?: string | null;
  /** Last lines of the app's output. */
  logTail: string[];
  /** Extra facts, in words. */
  notes: string[];
}

export interface WatchSample {
  atMs: number;
  requests: number;
  threads: number;
  rssKb: number;
  cpuS: number;
}

export interface WatchReport {
  samples: number;
  requests: number;
  threads: { start: number; end: number; max: number };
  rssKb: { start: number; end: number; max: number };
  cpuS: number;
  /** Growth per 1,000 requests after warm-up; null when too few requests to judge. */
  growth: { warmupRequests: number; threadsPer1k: number; rssMibPer1k: number } | null;
}

export interface StepResult {
  index: number;
  name: string;
  kind: Step['kind'];
  ok: boolean;
  ms: number;
  detail: string;
  requests: number;
  skipped?: boolean;
}

export interface ScenarioResult {
  name: string;
  source: string;
  ok: boolean;
  ms: number;
  steps: StepResult[];
  watch: WatchReport | null;
  /** Why it did not run (app gone, interrupted), when it did not. */
  notRun?: string;
}

export interface PhaseResult {
  name: 'build' | 'database' | 'migrate' | 'seed' | 'template' | 'start' | 'ready' | 'scenarios' | 'stop';
  ok: boolean;
  ms: number;
  detail: string;
}

export interface RunReport {
  app: string;
  profile: string;
  compiler: CompilerInfo;
  database: { kind: 'embedded' | 'external'; where: string; kept: boolean };
  phases: PhaseResult[];
  scenarios: ScenarioResult[];
  findings: Finding[];
  interrupted: boolean;
  /** Folders kept by --keep. */
  kept: string[];
}
