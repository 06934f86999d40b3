#!/usr/bin/env bash
# Regenerate the tree-sitter-mesh parser and check that the committed
# generated files are up to date, then run the grammar's corpus tests.
#
#   scripts/regen-grammar.sh           # CI: fails if src/ is stale
#   scripts/regen-grammar.sh --write   # after editing grammar.js: regenerate
#                                      # (the diff is then expected; commit it)
#
# The generated parser depends on the CLI version, so the version is pinned.
set -euo pipefail

TS_VERSION="0.25.10"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GRAMMAR_DIR="$ROOT/tree-sitter-mesh"
WRITE=0
[[ "${1:-}" == "--write" ]] && WRITE=1

export PATH="$HOME/.cargo/bin:$PATH"

installed_version() {
  command -v tree-sitter >/dev/null 2>&1 || return 1
  tree-sitter --version 2>/dev/null | awk '{print $2}'
}

if [[ "$(installed_version || true)" != "$TS_VERSION" ]]; then
  echo "regen-grammar: installing tree-sitter-cli $TS_VERSION (found: $(installed_version || echo none))" >&2
  if ! command -v cargo >/dev/null 2>&1; then
    echo "regen-grammar: error: cargo is needed to install tree-sitter-cli $TS_VERSION" >&2
    exit 1
  fi
  cargo install tree-sitter-cli --locked --version "$TS_VERSION"
fi

cd "$GRAMMAR_DIR"
echo "regen-grammar: tree-sitter generate (CLI $(installed_version))"
tree-sitter generate

cd "$ROOT"
if [[ $WRITE -eq 0 ]]; then
  stale=0
  git diff --exit-code --stat -- tree-sitter-mesh/src || stale=1
  untracked="$(git ls-files --others --exclude-standard -- tree-sitter-mesh/src)"
  if [[ -n "$untracked" ]]; then
    echo "$untracked"
    stale=1
  fi
  if [[ $stale -ne 0 ]]; then
    cat >&2 <<'MSG'
regen-grammar: error: tree-sitter-mesh/src is out of date with grammar.js.
  The committed generated parser differs from what `tree-sitter generate`
  produces. Run `scripts/regen-grammar.sh --write`, rebuild the Node binding
  (`rm -rf tree-sitter-mesh/build && npm rebuild tree-sitter-mesh`), regenerate
  the node-kind constants (`node scripts/gen-node-types.js`) and commit
  tree-sitter-mesh/src.
MSG
    exit 1
  fi
  echo "regen-grammar: generated parser is up to date"
fi

cd "$GRAMMAR_DIR"
echo "regen-grammar: tree-sitter test"
tree-sitter test
