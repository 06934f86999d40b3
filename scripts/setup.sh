#!/usr/bin/env bash
# Installs mesher-triage from a clean checkout: npm dependencies, with native addons
# (better-sqlite3, tree-sitter, tree-sitter-mesh) compiled against this Node's own headers.
# Nothing is downloaded but npm registry packages.
set -euo pipefail
cd "$(dirname "$0")/.."

node_prefix=$(node -p 'require("path").resolve(process.execPath, "..", "..")')
if [ ! -f "$node_prefix/include/node/node.h" ]; then
  echo "error: Node's headers are not at $node_prefix/include/node (needed to build native addons)" >&2
  echo "hint: install Node with its headers (Debian: nodejs + libnode-dev), or set npm_config_nodedir" >&2
  exit 5
fi
export npm_config_nodedir="${npm_config_nodedir:-$node_prefix}"
# better-sqlite3's install script first asks prebuild-install for a prebuilt binary; the
# repository's .prebuild-installrc (buildFromSource=true) makes it skip the download, so
# node-gyp builds from source. (npm_config_build_from_source did the same, but npm warns
# about a config key it does not know.) package.json#allowScripts approves the packages
# whose install scripts run, so npm does not warn about them either.
# The tree-sitter runtime is a shared library whose functions call each other through
# exported symbols; without semantic interposition the compiler may inline those calls.
# That removes about 8% of the instructions of a parse (callgrind over the bench:parse
# inputs), and is safe: nothing interposes the runtime's symbols.
export CFLAGS="${CFLAGS:-} -fno-semantic-interposition"

# The grammar addon's install script keeps an existing build, which may predate the C
# sources of this checkout (a stale addon lacks the whole-tree export): build it afresh.
rm -rf tree-sitter-mesh/build
npm ci --no-audit --no-fund
npm run build

# Check that the addons load and work, and that better-sqlite3 was compiled here.
if [ ! -d node_modules/better-sqlite3/build/Release/obj.target ]; then
  echo "error: better-sqlite3 was not built from source (no build/Release/obj.target)" >&2
  echo "hint: check that .prebuild-installrc is at the repository root" >&2
  exit 5
fi
node -e '
  const Database = require("better-sqlite3");
  new Database(":memory:").prepare("select 1").get();
  const Parser = require("tree-sitter");
  const parser = new Parser();
  parser.setLanguage(require("tree-sitter-mesh"));
  if (parser.parse("fn main() do\nend\n").rootNode.hasError) throw new Error("tree-sitter-mesh cannot parse a trivial program");
'
packages=$(node -p 'Object.keys(require("./node_modules/.package-lock.json").packages).filter((k) => k.startsWith("node_modules/")).length')
echo "mesher-triage set up: $packages packages, native addons built (better-sqlite3, tree-sitter, tree-sitter-mesh); run: npm test"
