import { meshExtension } from './extensions.js';

/**
 * snake_case → PascalCase the way meshc does it: split on `_`, drop empty parts,
 * upper-case the first character of each part, keep the rest as written.
 */
export function toPascalCase(segment: string): string {
  return segment
    .split('_')
    .filter((part) => part.length > 0)
    .map((part) => {
      const first = String.fromCodePoint(part.codePointAt(0)!);
      return first.toUpperCase() + part.slice(first.length);
    })
    .join('');
}

/** PascalCase / dotted module name → snake_case prefix, e.g. `Alert.Rules` → `alert_rules`. */
export function toSnakeCase(name: string): string {
  return name
    .split('.')
    .map((part) =>
      part
        .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
        .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
        .toLowerCase(),
    )
    .join('_');
}

/**
 * Module name of a file from its path relative to the project root, as meshc's
 * `path_to_module_name`: every directory and the file stem go through toPascalCase and
 * are joined with `.`. The root `main` file is the entry point and has no module name (null).
 * Accepts `/` or `\` separators; `.` and empty segments are ignored.
 */
export function moduleNameForPath(relPath: string): string | null {
  const segments = relPath.split(/[\\/]/).filter((s) => s.length > 0 && s !== '.');
  const fileName = segments.pop();
  if (fileName === undefined) return null;
  const ext = meshExtension(fileName);
  const stem = ext ? fileName.slice(0, fileName.length - ext.length) : fileName.replace(/\.[^.]*$/, '');
  if (stem === 'main' && segments.length === 0) return null;
  return [...segments, stem].map(toPascalCase).join('.');
}
