/*
 * The generated parser (src/parser.c), compiled with two faster lexer primitives.
 * Only the Node binding builds this file; src/parser.c stays exactly as
 * `tree-sitter generate` writes it (CI checks that), and the tree-sitter CLI
 * builds it unchanged, so both builds make the same trees.
 *
 * - ADVANCE_MAP: the generated macro scans its (character, state) pairs one by
 *   one, at every character of every token start and of all whitespace the
 *   internal lexer skips. Here the same pairs become a `switch`, which the
 *   compiler turns into a jump table.
 * - set_contains: the generated function binary-searches the identifier
 *   character ranges (about 700, nearly all outside ASCII) for every character of
 *   every identifier. Here ASCII characters are looked up in the first few
 *   ranges, which hold all of ASCII because the ranges are sorted.
 *
 * Together they remove about 8% of the instructions of a parse
 * (callgrind, `npm run bench:parse` inputs). The trees are the same: the test
 * suite runs every grammar corpus case through this build and compares it with the
 * corpus expectation that `tree-sitter test` checks against the plain build.
 */
#include "tree_sitter/parser.h"
#include "advance_map.h"

#define TSM_CAT_(a, b) a##b
#define TSM_CAT(a, b) TSM_CAT_(a, b)

#undef ADVANCE_MAP
#define ADVANCE_MAP(...)                                                          \
  switch (lookahead) {                                                            \
    TSM_CAT(TSM_ADVANCE_PAIRS_, TSM_PAIR_COUNT(__VA_ARGS__))(__VA_ARGS__)         \
    default: break;                                                               \
  }

static inline bool tsm_set_contains(const TSCharacterRange *ranges, uint32_t len, int32_t c) {
  if (c >= 0 && c < 128) {
    for (uint32_t i = 0; i < len && ranges[i].start <= c; i++) {
      if (c <= ranges[i].end) return true;
    }
    return false;
  }
  return set_contains(ranges, len, c);
}
#define set_contains tsm_set_contains

#include "parser.c"
