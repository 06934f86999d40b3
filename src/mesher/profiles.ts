import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitCode, UserError, type Dialect } from '../types/index.js';
import { JsonReader } from './json-read.js';
import { placeholders } from './template.js';
import type { Profile } from './types.js';

/** The repository's `mesher/` data folder (profiles and scenarios), from src/ or dist/. */
export const MESHER_DATA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'mesher');
export const PROFILES_DIR = join(MESHER_DATA_DIR, 'profiles');

/** Template variables every profile string may use; `vars` and `lookup` names add to them. */
export const PROFILE_VARS = ['httpPort', 'wsPort', 'databaseUrl', 'apiKey', 'authHeader', 'runId'] as const;

const HINT = 'the profile format is in docs/mesher.md ("Profiles")';
const TOP_KEYS = ['name', 'description', 'detect', 'database', 'migrate', 'seed', 'env', 'unsetEnvPrefixes', 'auth', 'vars', 'lookup', 'ready', 'panicLines', 'growth', 'build'];

export async function loadProfile(file: string): Promise<Profile> {
  const { reader: r, root } = await JsonReader.load(file, HINT);
  const o = r.object(root, '', TOP_KEYS);
  const detect = r.object(o.detect ?? {}, 'detect', ['dialect', 'files']);
  const dialectText = detect.dialect === undefined ? undefined : r.string(detect.dialect, 'detect.dialect');
  if (dialectText !== undefined && dialectText !== 'february' && dialectText !== 'april') r.fail('detect.dialect', "must be 'february' or 'april'");
  const dialect = dialectText as 'february' | 'april' | undefined;
  const database = r.object(o.database ?? { mode: 'env' }, 'database', ['mode', 'url']);
  const mode = r.string(database.mode, 'database.mode');
  if (mode !== 'env' && mode !== 'fixed') r.fail('database.mode', "must be 'env' (the app reads the URL from its environment) or 'fixed' (the app has it built in)");
  let fixedUrl: string | undefined;
  if (mode === 'fixed') {
    fixedUrl = r.nonEmpty(database.url, 'database.url');
    if (!isPostgresUrl(fixedUrl)) r.fail('database.url', 'must be a postgres:// URL with a user, password, host, port and database');
  } else if (database.url !== undefined) r.fail('database.url', "is only for mode 'fixed'");
  const migrate = r.object(o.migrate, 'migrate', ['args', 'timeoutS']);
  const auth = r.object(o.auth, 'auth', ['header', 'apiKey']);
  const ready = r.object(o.ready, 'ready', ['probe', 'timeoutS', 'intervalMs', 'failedLines']);
  const probe = r.object(ready.probe, 'ready.probe', ['method', 'path', 'status']);
  const growth = r.object(o.growth ?? {}, 'growth', ['threadsPer1k', 'rssMibPer1k', 'minRequests']);
  const build = r.object(o.build ?? {}, 'build', ['timeoutS']);
  const envIn = r.object(o.env ?? {}, 'env', Object.keys((o.env as object | undefined) ?? {}));
  const env: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(envIn)) env[name] = value === null ? null : r.string(value, `env.${name}`);

  const profile: Profile = {
    name: r.nonEmpty(o.name, 'name'),
    description: r.optionalString(o.description, 'description', ''),
    source: file,
    detect: { ...(dialect ? { dialect } : {}), files: r.stringArray(detect.files, 'detect.files') },
    database: fixedUrl ? { mode: 'fixed', url: fixedUrl } : { mode: 'env' },
    migrate: { args: r.stringArray(migrate.args, 'migrate.args'), timeoutS: r.optionalInt(migrate.timeoutS, 'migrate.timeoutS', 300, 1) },
    seed: r.stringArray(o.seed, 'seed'),
    env,
    unsetEnvPrefixes: r.stringArray(o.unsetEnvPrefixes, 'unsetEnvPrefixes'),
    auth: { header: r.nonEmpty(auth.header, 'auth.header'), apiKey: r.nonEmpty(auth.apiKey, 'auth.apiKey') },
    vars: r.stringMap(o.vars, 'vars'),
    lookup: r.stringMap(o.lookup, 'lookup'),
    ready: {
      probe: { method: r.optionalString(probe.method, 'ready.probe.method', 'GET'), path: r.nonEmpty(probe.path, 'ready.probe.path'), status: probe.status === 'any' ? 'any' : r.optionalInt(probe.status, 'ready.probe.status', 200, 100, 599) },
      timeoutS: r.optionalInt(ready.timeoutS, 'ready.timeoutS', 30, 1),
      intervalMs: r.optionalInt(ready.intervalMs, 'ready.intervalMs', 250, 10),
      failedLines: r.stringArray(ready.failedLines, 'ready.failedLines').map((p, i) => r.pattern(p, `ready.failedLines[${i}]`)),
    },
    panicLines: r.stringArray(o.panicLines, 'panicLines').map((p, i) => r.pattern(p, `panicLines[${i}]`)),
    growth: {
      threadsPer1k: growth.threadsPer1k === undefined ? 4 : r.number(growth.threadsPer1k, 'growth.threadsPer1k', 0),
      rssMibPer1k: growth.rssMibPer1k === undefined ? 32 : r.number(growth.rssMibPer1k, 'growth.rssMibPer1k', 0),
      minRequests: r.optionalInt(growth.minRequests, 'growth.minRequests', 500, 1),
    },
    build: { timeoutS: r.optionalInt(build.timeoutS, 'build.timeoutS', 180, 1) },
  };
  if (profile.migrate.args.length === 0) r.fail('migrate.args', 'must name the meshc arguments that apply the migrations, e.g. ["migrate", ".", "up"]');
  // Every placeholder must be one the run can fill.
  const known = new Set<string>([...PROFILE_VARS, ...Object.keys(profile.vars), ...Object.keys(profile.lookup)]);
  const check = (value: unknown, path: string, allowed: Set<string>): void => {
    for (const name of placeholders(value)) if (!allowed.has(name)) r.fail(path, `\${${name}} is not a variable a profile can use (known: ${[...allowed].join(', ')})`);
  };
  const beforeLookup = new Set<string>([...PROFILE_VARS, ...Object.keys(profile.vars)]);
  profile.seed.forEach((sql, i) => check(sql, `seed[${i}]`, beforeLookup));
  for (const [name, sql] of Object.entries(profile.lookup)) check(sql, `lookup.${name}`, beforeLookup);
  for (const [name, value] of Object.entries(profile.env)) check(value, `env.${name}`, known);
  check(profile.ready.probe.path, 'ready.probe.path', known);
  return profile;
}

/** Names of the profiles shipped in mesher/profiles/. */
export async function builtinProfileNames(): Promise<string[]> {
  const entries = await readdir(PROFILES_DIR).catch(() => [] as string[]);
  return entries.filter((name) => name.endsWith('.json')).map((name) => name.slice(0, -5)).sort();
}

/**
 * `--profile auto|<name>|<file>`. `auto` picks the built-in profile whose dialect is the
 * compiler's and whose marker files the app has; a name is a built-in profile; anything
 * with a slash or ending in .json is a file.
 */
export async function resolveProfile(spec: string, appDir: string, dialect: Dialect): Promise<Profile> {
  if (spec.includes('/') || spec.endsWith('.json')) return loadProfile(resolve(spec));
  const names = await builtinProfileNames();
  if (spec !== 'auto') {
    if (!names.includes(spec)) {
      throw new UserError(`no profile named '${spec}'`, ExitCode.USAGE, `built-in profiles: ${names.join(', ')}; or pass a profile file (path ending in .json)`);
    }
    return loadProfile(join(PROFILES_DIR, `${spec}.json`));
  }
  const profiles = await Promise.all(names.map((name) => loadProfile(join(PROFILES_DIR, `${name}.json`))));
  const hasFiles = (p: Profile): boolean => (p.detect.files ?? []).every((f) => existsSync(join(appDir, f)));
  const byDialect = profiles.filter((p) => p.detect.dialect === dialect && hasFiles(p));
  const byFiles = profiles.filter((p) => (p.detect.files ?? []).length > 0 && hasFiles(p));
  const chosen = byDialect.length === 1 ? byDialect[0] : dialect === 'unknown' && byFiles.length === 1 ? byFiles[0] : undefined;
  if (chosen) return chosen;
  const said = profiles.map((p) => `${p.name} (${[p.detect.dialect ? `${p.detect.dialect} meshc` : '', ...(p.detect.files ?? []).map((f) => `has ${f}`)].filter(Boolean).join(', ')})`);
  throw new UserError(
    `cannot tell which Mesher profile fits ${appDir} built with a ${dialect} meshc`,
    ExitCode.USAGE,
    `pass --profile with one of: ${said.join('; ')}; or a profile file`,
  );
}

function isPostgresUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.username !== '' && url.password !== '' && url.hostname !== '' && url.port !== '' && url.pathname.length > 1;
  } catch {
    return false;
  }
}
