// Public API of src/syntax: the only module that touches tree-sitter (see docs/syntax.md).
export type { MeshNode, SyntaxIssue, ParsedFile, ParsedProject, ProjectFile, Edit, QueryCapture } from './types.js';
export { MESH_EXTENSIONS, isMeshFile, isTestFile, meshExtension } from './extensions.js';
export { moduleNameForPath, toPascalCase, toSnakeCase } from './module-name.js';
export { applyEdits } from './edits.js';
export { readMeshFile, decodeMeshSource, DEFAULT_MAX_FILE_BYTES, type ReadMeshFileOptions } from './read-file.js';
export { walkMeshFiles, discoverProjectFiles, comparePaths, assertDirectory } from './discover.js';
export { parseSource, loadGrammar, preorderOf, type Preorder } from './parser.js';
export { checkFiles, type CheckedFile, type CheckResult, type CheckOptions } from './check-files.js';
export { parseFile, parseProject } from './project.js';
export { query } from './query.js';
export { collectIssues, formatIssue } from './issues.js';
export { LineIndex } from './position.js';
export { walk, findAll, nodeText, childByField, childrenByField, namedChildren, treeDepth, countNodes, firstLeaf, toSExpression } from './walk.js';
export { flattenProject, type FlattenResult, type Rename } from './flatten/index.js';
export * from './node-kinds.generated.js';
