import { describe, expect, it } from 'vitest';
import { moduleNameForPath, toPascalCase, toSnakeCase } from '../../../src/syntax/index.js';

describe('moduleNameForPath (meshc path_to_module_name)', () => {
  const table: Array<[string, string | null]> = [
    ['main.mpl', null],
    ['./main.mpl', null],
    ['main.mesh', null],
    ['utils.mpl', 'Utils'],
    ['api/router.mpl', 'Api.Router'],
    ['math/linear_algebra.mpl', 'Math.LinearAlgebra'],
    ['a/b/c/d.mpl', 'A.B.C.D'],
    ['api/main.mpl', 'Api.Main'],
    ['ingestion/ws_handler.mpl', 'Ingestion.WsHandler'],
    ['storage\\queries.mpl', 'Storage.Queries'],
    ['my__lib.mpl', 'MyLib'],
    ['_private.mpl', 'Private'],
    ['HTTP_server.mpl', 'HTTPServer'],
    ['v2_api/x.mesh', 'V2Api.X'],
    ['éclair.mpl', 'Éclair'],
  ];
  it.each(table)('%s → %s', (path, expected) => {
    expect(moduleNameForPath(path)).toBe(expected);
  });

  it('returns null for an empty path', () => {
    expect(moduleNameForPath('')).toBeNull();
  });
});

describe('toPascalCase / toSnakeCase', () => {
  it('converts like meshc', () => {
    expect(toPascalCase('linear_algebra')).toBe('LinearAlgebra');
    expect(toPascalCase('already')).toBe('Already');
    expect(toPascalCase('__')).toBe('');
  });
  it('turns module names into snake prefixes', () => {
    expect(toSnakeCase('Alert.Rules')).toBe('alert_rules');
    expect(toSnakeCase('Math.LinearAlgebra')).toBe('math_linear_algebra');
    expect(toSnakeCase('HTTPServer')).toBe('http_server');
  });
});
