/**
 * "Does the actual JSON contain the expected one?" An expected object matches an object
 * that has each of its keys with a matching value (other keys are allowed); an expected
 * array matches an array of the same length, element by element; scalars are equal, and a
 * number also matches its decimal text (PostgreSQL returns bigint and numeric as text).
 * Typed placeholders: "$any" (present, any value), "$number", "$string" (non-empty),
 * "$uuid", "$null-or-string", "$count" (a whole number from 0 to 10⁹).
 * Returns null on a match, else where and how it differs.
 */
export function matchJson(expected: unknown, actual: unknown, path = '$'): string | null {
  if (typeof expected === 'string' && expected.startsWith('$') && TYPED[expected]) {
    return TYPED[expected](actual) ? null : `${path}: expected ${expected.slice(1)}, got ${show(actual)}`;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path}: expected an array, got ${show(actual)}`;
    if (actual.length !== expected.length) return `${path}: expected ${expected.length} item(s), got ${actual.length}`;
    for (let i = 0; i < expected.length; i++) {
      const miss = matchJson(expected[i], actual[i], `${path}[${i}]`);
      if (miss) return miss;
    }
    return null;
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return `${path}: expected an object, got ${show(actual)}`;
    for (const [key, value] of Object.entries(expected)) {
      const here = `${path}.${key}`;
      if (!(key in actual)) return `${here}: missing (expected ${show(value)})`;
      const miss = matchJson(value, (actual as Record<string, unknown>)[key], here);
      if (miss) return miss;
    }
    return null;
  }
  if (expected === actual) return null;
  if (typeof expected === 'number' && typeof actual === 'string' && actual.trim() !== '' && Number(actual) === expected) return null;
  return `${path}: expected ${show(expected)}, got ${show(actual)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const TYPED: Record<string, (v: unknown) => boolean> = {
  $any: (v) => v !== undefined,
  $number: (v) => typeof v === 'number' || (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))),
  $string: (v) => typeof v === 'string' && v !== '',
  $uuid: (v) => typeof v === 'string' && UUID.test(v),
  '$null-or-string': (v) => v === null || typeof v === 'string',
  // A count of things: a pointer or garbage value passed off as a number is not one.
  $count: (v) => (typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v))) && Number.isInteger(Number(v)) && Number(v) >= 0 && Number(v) <= 1e9,
};

/** `data.0.id` → value, or undefined when the path does not exist. */
export function pick(value: unknown, dotted: string): unknown {
  let current = value;
  for (const part of dotted.split('.').filter(Boolean)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

export function show(value: unknown, max = 120): string {
  let text: string;
  try {
    text = value === undefined ? 'nothing' : JSON.stringify(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}
