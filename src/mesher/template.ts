/**
 * `${name}` placeholders in scenario and profile strings. Names are letters, digits and `_`.
 * `$${` stands for a literal `${`.
 */
const PLACEHOLDER = /\$(\$?)\{([A-Za-z_]\w*)\}/g;

export type Vars = ReadonlyMap<string, string>;

/** Replaces every placeholder; an unknown name is an error (the loader checks names first). */
export function fill(text: string, vars: Vars): string {
  return text.replace(PLACEHOLDER, (whole, escaped: string, name: string) => {
    if (escaped) return whole.slice(1);
    const value = vars.get(name);
    if (value === undefined) throw new RangeError(`no value for \${${name}}`);
    return value;
  });
}

/** Fills every string inside a JSON value (keys included). */
export function fillJson(value: unknown, vars: Vars): unknown {
  if (typeof value === 'string') return fill(value, vars);
  if (Array.isArray(value)) return value.map((item) => fillJson(item, vars));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [fill(key, vars), fillJson(item, vars)]));
  }
  return value;
}

/** Placeholder names used in a string or JSON value. */
export function placeholders(value: unknown): string[] {
  const names: string[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      for (const match of v.matchAll(PLACEHOLDER)) if (!match[1]) names.push(match[2]!);
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (typeof v === 'object' && v !== null) {
      for (const [key, item] of Object.entries(v)) {
        visit(key);
        visit(item);
      }
    }
  };
  visit(value);
  return names;
}
