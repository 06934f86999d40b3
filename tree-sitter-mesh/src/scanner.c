/*
 * External scanner for tree-sitter-mesh.
 *
 * Tokens:
 *   _newline                 a statement/arm/field separator, emitted only
 *                            where the grammar accepts one; suppressed when
 *                            the next real token (past blank lines and
 *                            comments) is `|>` or `|N>` (multi-line pipes)
 *   string_content           text of a "..." string up to `"`, `\`, `${`, `#{`
 *   _triple_string_content   text of a """...""" string (lone `"` and `""`
 *                            are content)
 *   escape_sequence          `\` plus any one character
 *   ${  #{                   interpolation openers (inside strings only, so
 *                            that `#{` is not lexed as a line comment)
 *   block_comment            `#= ... =#`, nestable
 *
 * The scanner keeps no state between tokens (block-comment nesting is
 * counted inside a single scan), so serialization is empty and nesting depth
 * is only bounded by memory, never by the 1024-byte serialization buffer.
 */

#include "tree_sitter/parser.h"

#include <stdbool.h>
#include <stdint.h>

enum TokenType {
  NEWLINE,
  STRING_CONTENT,
  TRIPLE_STRING_CONTENT,
  ESCAPE_SEQUENCE,
  INTERPOLATION_DOLLAR,
  INTERPOLATION_HASH,
  BLOCK_COMMENT,
  ERROR_SENTINEL,
};

void *tree_sitter_mesh_external_scanner_create(void) { return NULL; }
void tree_sitter_mesh_external_scanner_destroy(void *payload) { (void)payload; }
unsigned tree_sitter_mesh_external_scanner_serialize(void *payload, char *buffer) {
  (void)payload;
  (void)buffer;
  return 0;
}
void tree_sitter_mesh_external_scanner_deserialize(void *payload, const char *buffer, unsigned length) {
  (void)payload;
  (void)buffer;
  (void)length;
}

static inline void advance(TSLexer *lexer) { lexer->advance(lexer, false); }
static inline void skip(TSLexer *lexer) { lexer->advance(lexer, true); }
static inline bool at_eof(TSLexer *lexer) { return lexer->eof(lexer); }

/*
 * Consume the rest of a block comment; the opening `#=` has been consumed.
 * Returns false when the file ends first (unterminated comment).
 */
static bool finish_block_comment(TSLexer *lexer) {
  uint32_t depth = 1;
  while (!at_eof(lexer)) {
    int32_t c = lexer->lookahead;
    if (c == '#') {
      advance(lexer);
      if (lexer->lookahead == '=') {
        advance(lexer);
        depth++;
      }
    } else if (c == '=') {
      advance(lexer);
      if (lexer->lookahead == '#') {
        advance(lexer);
        depth--;
        if (depth == 0) return true;
      }
    } else {
      advance(lexer);
    }
  }
  return false;
}

/*
 * Text of a string. `triple` selects """...""" rules. Stops before `\`,
 * `${`, `#{` and the closing quote(s).
 */
static bool scan_string_content(TSLexer *lexer, bool triple, const bool *valid_symbols) {
  bool has_content = false;
  for (;;) {
    lexer->mark_end(lexer);
    if (at_eof(lexer)) break;
    int32_t c = lexer->lookahead;
    if (c == '\\') break;
    if (c == '"') {
      if (!triple) break;
      advance(lexer);
      if (lexer->lookahead == '"') {
        advance(lexer);
        if (lexer->lookahead == '"') break; /* closing """ starts at mark */
      }
      has_content = true;
      continue;
    }
    if (c == '$' || c == '#') {
      advance(lexer);
      if (lexer->lookahead == '{') break;
      has_content = true;
      continue;
    }
    advance(lexer);
    has_content = true;
  }
  if (has_content) {
    lexer->result_symbol = triple ? TRIPLE_STRING_CONTENT : STRING_CONTENT;
    return true;
  }
  /* Nothing consumed as content: we stand on a delimiter. The lexer may
   * have advanced past `$`/`#`/`"` while peeking; the token end is marked
   * at the start, so rescan from the marked position is not possible here:
   * handle the delimiters directly. */
  return false;
}

static bool scan_string_delimiter(TSLexer *lexer, const bool *valid_symbols) {
  int32_t c = lexer->lookahead;
  if (c == '\\' && valid_symbols[ESCAPE_SEQUENCE]) {
    advance(lexer);
    if (!at_eof(lexer)) advance(lexer);
    lexer->mark_end(lexer);
    lexer->result_symbol = ESCAPE_SEQUENCE;
    return true;
  }
  if (c == '$' && valid_symbols[INTERPOLATION_DOLLAR]) {
    advance(lexer);
    if (lexer->lookahead == '{') {
      advance(lexer);
      lexer->mark_end(lexer);
      lexer->result_symbol = INTERPOLATION_DOLLAR;
      return true;
    }
    return false;
  }
  if (c == '#' && valid_symbols[INTERPOLATION_HASH]) {
    advance(lexer);
    if (lexer->lookahead == '{') {
      advance(lexer);
      lexer->mark_end(lexer);
      lexer->result_symbol = INTERPOLATION_HASH;
      return true;
    }
    return false;
  }
  return false;
}

/* After the newline(s): is the next real token `|>`, `|N>` or `<>`, i.e. does
 * the next line continue the expression (leading pipes; leading `<>` in code
 * for compilers after April 2026)? No statement can start with these tokens.
 * Skips blank lines and comments. Consumes lookahead characters (beyond mark_end). */
static bool continuation_follows(TSLexer *lexer) {
  for (;;) {
    int32_t c = lexer->lookahead;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      advance(lexer);
      continue;
    }
    if (c == '#') {
      advance(lexer);
      if (lexer->lookahead == '=') {
        advance(lexer);
        if (!finish_block_comment(lexer)) return false;
        continue;
      }
      while (!at_eof(lexer) && lexer->lookahead != '\n' && lexer->lookahead != '\r') advance(lexer);
      continue;
    }
    if (c == '|') {
      advance(lexer);
      if (lexer->lookahead == '>') return true;
      if (lexer->lookahead >= '0' && lexer->lookahead <= '9') {
        while (lexer->lookahead >= '0' && lexer->lookahead <= '9') advance(lexer);
        return lexer->lookahead == '>';
      }
      return false;
    }
    if (c == '<') {
      advance(lexer);
      return lexer->lookahead == '>';
    }
    return false;
  }
}

bool tree_sitter_mesh_external_scanner_scan(void *payload, TSLexer *lexer, const bool *valid_symbols) {
  (void)payload;
  bool error_recovery = valid_symbols[ERROR_SENTINEL];

  if (!error_recovery) {
    if (valid_symbols[STRING_CONTENT] || valid_symbols[TRIPLE_STRING_CONTENT]) {
      bool triple = valid_symbols[TRIPLE_STRING_CONTENT] && !valid_symbols[STRING_CONTENT];
      int32_t c = lexer->lookahead;
      bool at_delimiter = c == '\\' || (!triple && c == '"');
      if (!at_delimiter && (c == '$' || c == '#')) {
        /* Decide by peeking: `${`/`#{` is a delimiter, otherwise content. */
        lexer->mark_end(lexer);
        advance(lexer);
        if (lexer->lookahead == '{') {
          advance(lexer);
          lexer->mark_end(lexer);
          if (c == '$' && valid_symbols[INTERPOLATION_DOLLAR]) {
            lexer->result_symbol = INTERPOLATION_DOLLAR;
            return true;
          }
          if (c == '#' && valid_symbols[INTERPOLATION_HASH]) {
            lexer->result_symbol = INTERPOLATION_HASH;
            return true;
          }
          return false;
        }
        /* Content that starts with a lone `$` or `#`. */
        bool more = scan_string_content(lexer, triple, valid_symbols);
        (void)more;
        lexer->result_symbol = triple ? TRIPLE_STRING_CONTENT : STRING_CONTENT;
        return true;
      }
      if (at_delimiter) return scan_string_delimiter(lexer, valid_symbols);
      if (triple && c == '"') {
        /* Either the closing """ (let the grammar lex it) or content. */
        lexer->mark_end(lexer);
        advance(lexer);
        if (lexer->lookahead == '"') {
          advance(lexer);
          if (lexer->lookahead == '"') return false;
        }
        scan_string_content(lexer, true, valid_symbols);
        lexer->result_symbol = TRIPLE_STRING_CONTENT;
        return true;
      }
      if (at_eof(lexer)) return false;
      return scan_string_content(lexer, triple, valid_symbols);
    }
  }

  /* Fast path, taken by most tokens: anything but whitespace or `#` cannot
   * start a newline or block-comment token, so let the internal lexer run. */
  {
    int32_t c = lexer->lookahead;
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '#') return false;
  }

  /* Skip horizontal whitespace; it is never part of a token here. */
  while (lexer->lookahead == ' ' || lexer->lookahead == '\t') skip(lexer);

  if (valid_symbols[NEWLINE] && (lexer->lookahead == '\n' || lexer->lookahead == '\r')) {
    /* Consume every consecutive blank line into one token. */
    while (lexer->lookahead == '\n' || lexer->lookahead == '\r' || lexer->lookahead == ' ' ||
           lexer->lookahead == '\t') {
      bool nl = lexer->lookahead == '\n' || lexer->lookahead == '\r';
      advance(lexer);
      if (nl) lexer->mark_end(lexer);
    }
    if (!error_recovery && continuation_follows(lexer)) return false;
    lexer->result_symbol = NEWLINE;
    return true;
  }

  if (lexer->lookahead == '#' && valid_symbols[BLOCK_COMMENT]) {
    advance(lexer);
    if (lexer->lookahead != '=') return false;
    advance(lexer);
    bool terminated = finish_block_comment(lexer);
    lexer->mark_end(lexer);
    /* An unterminated comment is a lexer error in meshc: return a token
     * that no parse state accepts, so the tree gets an ERROR node. */
    lexer->result_symbol = terminated ? BLOCK_COMMENT : ERROR_SENTINEL;
    return true;
  }

  return false;
}
