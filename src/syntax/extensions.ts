/** File extensions that hold Mesh code. meshc itself only builds `.mpl`; `.mesh` is accepted for reading. */
export const MESH_EXTENSIONS: readonly string[] = ['.mpl', '.mesh'];

export function isMeshFile(path: string): boolean {
  const lower = path.toLowerCase();
  return MESH_EXTENSIONS.some((ext) => lower.endsWith(ext) && lower.length > ext.length);
}

/** The extension of a Mesh file (`.mpl` / `.mesh`), or null. */
export function meshExtension(path: string): string | null {
  const lower = path.toLowerCase();
  return MESH_EXTENSIONS.find((ext) => lower.endsWith(ext) && lower.length > ext.length) ?? null;
}

/** `*.test.mpl` files use the test DSL and are left out of a build (meshc test handles them). */
export function isTestFile(path: string): boolean {
  const lower = path.toLowerCase();
  return MESH_EXTENSIONS.some((ext) => lower.endsWith(`.test${ext}`));
}
