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
# better-sqlite3 would first try to download a prebuilt binary; build from source instead.
export npm_config_build_from_source=true
# The tree-sitter runtime is a shared library whose functions call each other through
# exported symbols; without semantic interposition the compiler may inline those calls.
# That removes about 8% of the instructions of a parse (callgrind over the bench:parse
# inputs), and is safe: nothing interposes the runtime's symbols.
export CFLAGS="${CFLAGS:-} -fno-semantic-interposition"

npm ci --no-audit --no-fund
npm run build
