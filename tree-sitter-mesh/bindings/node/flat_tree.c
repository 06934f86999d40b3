/*
 * Whole-tree export for mesher-triage: parse a JS string with the Mesh language and
 * hand the tree to JavaScript as a few flat typed arrays in one call, instead of one
 * native call per node property through node-tree-sitter (which cost ~1 µs per node:
 * 6 s for the 5 million nodes of a 15 MB file).
 *
 * The tree-sitter runtime is compiled into this addon from the `tree-sitter` npm
 * package's vendored C sources (see binding.gyp); node-tree-sitter keeps its own copy
 * for queries. Both parse UTF-16, as node-tree-sitter does, so byte offsets / 2 are
 * JS string indices and the trees are the same.
 *
 * JS API (all synchronous):
 *   parse(source)            -> tree handle (an external; freed by GC or by free())
 *   hasError(tree)           -> boolean (ts_node_has_error of the root)
 *   flatten(tree, issues, fieldMask?) -> { count, kinds, fields, starts, ends, parents, flags }
 *   free(tree)               -> releases the native tree (deleted on the thread pool; later calls throw)
 *   symbolNames()            -> string[] indexed by exported kind id
 *   fieldNames()             -> (string | null)[] indexed by field id
 *
 * flatten(tree, false) lists every node in pre-order, the way src/syntax/parser.ts builds
 * snapshots: the children of anonymous nodes (tokens) are not visited. parents[i] is the
 * pre-order index of node i's parent (-1 for the root). flatten(tree, true) lists only the
 * subtrees of the ERROR and MISSING nodes a syntax check reports, found as the snapshot
 * code finds them (a stack, descending only into nodes that have errors; children pushed
 * in order, so popped last first); each subtree is in pre-order with parent -1 at its root.
 * kinds are symbol ids, with ERROR mapped to symbolCount (see symbolNames()). fields are
 * field ids (0: none); with fieldMask (a Uint8Array indexed by kind), only the children of
 * nodes whose kind is set in it get theirs (asking the cursor for a field costs a search).
 * flags: 1 named, 2 missing.
 */
#include <node_api.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>

const TSLanguage *tree_sitter_mesh(void);

enum { FLAG_NAMED = 1, FLAG_MISSING = 2 };

typedef struct {
  TSParser *parser;
} AddonState;

typedef struct {
  TSTree *tree;
  /* What the tree was reported to V8 as (napi_adjust_external_memory), so big trees nobody frees push the GC. */
  int64_t reported;
} TreeBox;

/* Deletes the tree now, on this thread (finalizers, and when a background delete cannot start). */
static void tree_release(napi_env env, TreeBox *box) {
  if (!box->tree) return;
  ts_tree_delete(box->tree);
  box->tree = NULL;
  int64_t ignored;
  if (box->reported) napi_adjust_external_memory(env, -box->reported, &ignored);
  box->reported = 0;
}

/*
 * free(): deleting a big tree takes a while (0.4 s for a 15 MB file: millions of small
 * frees) and nothing waits for it, so it runs on the libuv thread pool. The tree is no
 * longer reachable from JS, and tree-sitter trees share nothing mutable with the parser
 * (subtree reference counts are atomic), so the main thread can parse meanwhile.
 */
typedef struct {
  TSTree *tree;
  napi_async_work work;
} Deletion;

static void deletion_execute(napi_env env, void *data) {
  (void)env;
  Deletion *deletion = data;
  ts_tree_delete(deletion->tree);
  deletion->tree = NULL;
}

static void deletion_complete(napi_env env, napi_status status, void *data) {
  (void)status;
  Deletion *deletion = data;
  if (deletion->tree) ts_tree_delete(deletion->tree); /* cancelled: never ran */
  napi_delete_async_work(env, deletion->work);
  free(deletion);
}

static void tree_release_later(napi_env env, TreeBox *box) {
  if (!box->tree) return;
  Deletion *deletion = malloc(sizeof *deletion);
  napi_value name;
  if (!deletion || napi_create_string_utf8(env, "tree-sitter-mesh:free", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_async_work(env, NULL, name, deletion_execute, deletion_complete, deletion, &deletion->work) != napi_ok) {
    free(deletion);
    tree_release(env, box);
    return;
  }
  deletion->tree = box->tree;
  if (napi_queue_async_work(env, deletion->work) != napi_ok) {
    napi_delete_async_work(env, deletion->work);
    free(deletion);
    tree_release(env, box);
    return;
  }
  box->tree = NULL;
  int64_t ignored;
  if (box->reported) napi_adjust_external_memory(env, -box->reported, &ignored);
  box->reported = 0;
}

#define CHECK(call)                                                             \
  do {                                                                          \
    if ((call) != napi_ok) return fail(env, #call);                             \
  } while (0)

static napi_value fail(napi_env env, const char *what) {
  const napi_extended_error_info *info = NULL;
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) {
    napi_get_last_error_info(env, &info);
    napi_throw_error(env, NULL, info && info->error_message ? info->error_message : what);
  }
  return NULL;
}

static void state_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  AddonState *state = data;
  if (state->parser) ts_parser_delete(state->parser);
  free(state);
}

static void tree_finalize(napi_env env, void *data, void *hint) {
  (void)hint;
  tree_release(env, data);
  free(data);
}

static TSTree *tree_arg(napi_env env, napi_value value) {
  void *data = NULL;
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok || type != napi_external || napi_get_value_external(env, value, &data) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a tree handle from parse()");
    return NULL;
  }
  TreeBox *box = data;
  if (!box->tree) napi_throw_error(env, NULL, "the tree was freed");
  return box->tree;
}

/* ---- parse ---------------------------------------------------------------- */

static napi_value js_parse(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1) {
    napi_throw_type_error(env, NULL, "parse(source) needs a string");
    return NULL;
  }
  size_t length = 0;
  if (napi_get_value_string_utf16(env, argv[0], NULL, 0, &length) != napi_ok) {
    napi_throw_type_error(env, NULL, "parse(source) needs a string");
    return NULL;
  }
  if (length > UINT32_MAX / 2 - 1) {
    napi_throw_range_error(env, NULL, "source too large");
    return NULL;
  }
  char16_t *text = malloc((length + 1) * sizeof *text);
  if (!text) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  size_t copied = 0;
  if (napi_get_value_string_utf16(env, argv[0], text, length + 1, &copied) != napi_ok) {
    free(text);
    return fail(env, "napi_get_value_string_utf16");
  }
  AddonState *state = NULL;
  if (napi_get_instance_data(env, (void **)&state) != napi_ok || !state) {
    free(text);
    return fail(env, "no addon state");
  }
  TSTree *tree = ts_parser_parse_string_encoding(state->parser, NULL, (const char *)text, (uint32_t)(copied * sizeof *text), TSInputEncodingUTF16LE);
  free(text);
  if (!tree) {
    napi_throw_error(env, NULL, "tree-sitter returned no tree");
    return NULL;
  }
  TreeBox *box = malloc(sizeof *box);
  if (!box) {
    ts_tree_delete(tree);
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  box->tree = tree;
  /* A rough size: tree-sitter keeps about this much per visible node (hidden ones are extra). */
  box->reported = (int64_t)ts_node_descendant_count(ts_tree_root_node(tree)) * 64;
  int64_t ignored;
  napi_adjust_external_memory(env, box->reported, &ignored);
  napi_value handle;
  if (napi_create_external(env, box, tree_finalize, NULL, &handle) != napi_ok) {
    tree_finalize(env, box, NULL);
    return fail(env, "napi_create_external");
  }
  return handle;
}

static napi_value js_has_error(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  TSTree *tree = argc < 1 ? NULL : tree_arg(env, argv[0]);
  if (!tree) return NULL;
  napi_value result;
  CHECK(napi_get_boolean(env, ts_node_has_error(ts_tree_root_node(tree)), &result));
  return result;
}

static napi_value js_free(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  void *data = NULL;
  if (argc < 1 || napi_get_value_external(env, argv[0], &data) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a tree handle from parse()");
    return NULL;
  }
  tree_release_later(env, data);
  return NULL;
}

/* ---- flatten ---------------------------------------------------------------- */

typedef struct {
  uint32_t count, capacity;
  uint16_t *kinds;
  uint16_t *fields;
  int32_t *starts;
  int32_t *ends;
  int32_t *parents;
  uint8_t *flags;
  bool failed;
  /* Kinds whose children's field ids are wanted (NULL: all); others get field 0. */
  const uint8_t *field_mask;
  size_t field_mask_length;
} Flat;

static bool flat_reserve(Flat *f, uint32_t capacity) {
  if (capacity <= f->capacity) return true;
  void *k = realloc(f->kinds, capacity * sizeof *f->kinds);
  if (k) f->kinds = k;
  void *fi = realloc(f->fields, capacity * sizeof *f->fields);
  if (fi) f->fields = fi;
  void *s = realloc(f->starts, capacity * sizeof *f->starts);
  if (s) f->starts = s;
  void *e = realloc(f->ends, capacity * sizeof *f->ends);
  if (e) f->ends = e;
  void *p = realloc(f->parents, capacity * sizeof *f->parents);
  if (p) f->parents = p;
  void *fl = realloc(f->flags, capacity * sizeof *f->flags);
  if (fl) f->flags = fl;
  if (!k || !fi || !s || !e || !p || !fl) {
    f->failed = true;
    return false;
  }
  f->capacity = capacity;
  return true;
}

static void flat_free(Flat *f) {
  free(f->kinds);
  free(f->fields);
  free(f->starts);
  free(f->ends);
  free(f->parents);
  free(f->flags);
  memset(f, 0, sizeof *f);
}

static uint16_t error_kind;

static inline uint16_t kind_of(TSNode node) {
  TSSymbol symbol = ts_node_symbol(node);
  return symbol == (TSSymbol)-1 ? error_kind : symbol == (TSSymbol)-2 ? (uint16_t)(error_kind + 1) : symbol;
}

/* Appends one node; returns its index, or -1 when out of memory. */
static int32_t flat_push(Flat *f, const TSTreeCursor *cursor, int32_t parent) {
  if (f->count == f->capacity && !flat_reserve(f, f->capacity < 1024 ? 1024 : f->capacity + f->capacity / 2)) return -1;
  TSNode node = ts_tree_cursor_current_node(cursor);
  uint32_t i = f->count++;
  f->kinds[i] = kind_of(node);
  uint16_t parent_kind = parent < 0 ? 0 : f->kinds[parent];
  bool wanted = parent >= 0 && (!f->field_mask || (parent_kind < f->field_mask_length && f->field_mask[parent_kind]));
  f->fields[i] = wanted ? ts_tree_cursor_current_field_id(cursor) : 0;
  f->starts[i] = (int32_t)(ts_node_start_byte(node) / 2);
  f->ends[i] = (int32_t)(ts_node_end_byte(node) / 2);
  f->parents[i] = parent;
  f->flags[i] = (uint8_t)((ts_node_is_named(node) ? FLAG_NAMED : 0) | (ts_node_is_missing(node) ? FLAG_MISSING : 0));
  return (int32_t)i;
}

/* Pre-order over the subtree at the cursor's node (not entering anonymous nodes); its root gets parent -1. */
static void flat_subtree(Flat *f, TSTreeCursor *cursor) {
  uint32_t open_cap = 256, open_len = 0;
  int32_t *open = malloc(open_cap * sizeof *open);
  if (!open) {
    f->failed = true;
    return;
  }
  int32_t current = flat_push(f, cursor, -1);
  if (current < 0) goto done;
  for (;;) {
    if ((f->flags[current] & FLAG_NAMED) && ts_tree_cursor_goto_first_child(cursor)) {
      if (open_len == open_cap) {
        int32_t *bigger = realloc(open, (open_cap *= 2) * sizeof *open);
        if (!bigger) {
          f->failed = true;
          goto done;
        }
        open = bigger;
      }
      open[open_len++] = current;
      current = flat_push(f, cursor, current);
      if (current < 0) goto done;
      continue;
    }
    for (;;) {
      if (open_len == 0) goto done;
      if (ts_tree_cursor_goto_next_sibling(cursor)) {
        current = flat_push(f, cursor, open[open_len - 1]);
        if (current < 0) goto done;
        break;
      }
      ts_tree_cursor_goto_parent(cursor);
      open_len--;
    }
  }
done:
  free(open);
}

/* The outermost ERROR and MISSING nodes, visited as parser.ts's findIssues did. */
static void flat_issues(Flat *f, TSNode root) {
  if (!ts_node_has_error(root)) return;
  uint32_t cap = 64, len = 0;
  TSNode *stack = malloc(cap * sizeof *stack);
  if (!stack) {
    f->failed = true;
    return;
  }
  stack[len++] = root;
  TSTreeCursor cursor = ts_tree_cursor_new(root);
  while (len > 0 && !f->failed) {
    TSNode node = stack[--len];
    if (ts_node_is_missing(node) || ts_node_symbol(node) == (TSSymbol)-1) {
      ts_tree_cursor_reset(&cursor, node);
      flat_subtree(f, &cursor);
      continue;
    }
    if (!ts_node_has_error(node)) continue;
    ts_tree_cursor_reset(&cursor, node);
    if (!ts_tree_cursor_goto_first_child(&cursor)) continue;
    do {
      if (len == cap) {
        TSNode *bigger = realloc(stack, (cap *= 2) * sizeof *stack);
        if (!bigger) {
          f->failed = true;
          break;
        }
        stack = bigger;
      }
      stack[len++] = ts_tree_cursor_current_node(&cursor);
    } while (ts_tree_cursor_goto_next_sibling(&cursor));
  }
  ts_tree_cursor_delete(&cursor);
  free(stack);
}

static void free_buffer(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  free(data);
}

/* Hands a malloc'd buffer to JS as a typed array (no copy); on failure frees it. */
static bool typed(napi_env env, napi_value target, const char *name, napi_typedarray_type type, void *data, uint32_t count, size_t size) {
  napi_value buffer, array;
  size_t bytes = (size_t)count * size;
  /* A zero-length external buffer may not be accepted everywhere: give an empty array instead. */
  if (bytes == 0) {
    free(data);
    if (napi_create_arraybuffer(env, 0, NULL, &buffer) != napi_ok) return false;
  } else if (napi_create_external_arraybuffer(env, data, bytes, free_buffer, NULL, &buffer) != napi_ok) {
    free(data);
    return false;
  }
  return napi_create_typedarray(env, type, count, buffer, 0, &array) == napi_ok && napi_set_named_property(env, target, name, array) == napi_ok;
}

static napi_value js_flatten(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  TSTree *tree = argc < 1 ? NULL : tree_arg(env, argv[0]);
  if (!tree) return NULL;
  bool issues = false;
  if (argc >= 2) napi_get_value_bool(env, argv[1], &issues);

  Flat f = {0};
  bool is_typed = false;
  if (argc >= 3 && napi_is_typedarray(env, argv[2], &is_typed) == napi_ok && is_typed) {
    napi_typedarray_type type;
    void *data = NULL;
    size_t length = 0;
    CHECK(napi_get_typedarray_info(env, argv[2], &type, &length, &data, NULL, NULL));
    if (type != napi_uint8_array) {
      napi_throw_type_error(env, NULL, "flatten: the field mask must be a Uint8Array");
      return NULL;
    }
    f.field_mask = data;
    f.field_mask_length = length;
  }
  TSNode root = ts_tree_root_node(tree);
  if (issues) {
    flat_issues(&f, root);
  } else {
    uint32_t expected = ts_node_descendant_count(root);
    if (flat_reserve(&f, expected < 1024 ? 1024 : expected + 1)) {
      TSTreeCursor cursor = ts_tree_cursor_new(root);
      flat_subtree(&f, &cursor);
      ts_tree_cursor_delete(&cursor);
    }
  }
  if (f.failed) {
    flat_free(&f);
    napi_throw_error(env, NULL, "out of memory exporting the syntax tree");
    return NULL;
  }
  napi_value result, count;
  if (napi_create_object(env, &result) != napi_ok || napi_create_uint32(env, f.count, &count) != napi_ok ||
      napi_set_named_property(env, result, "count", count) != napi_ok) {
    flat_free(&f);
    return fail(env, "napi_create_object");
  }
  /* Each buffer is owned by its typed array once handed over (or freed on failure). */
  bool ok = typed(env, result, "kinds", napi_uint16_array, f.kinds, f.count, sizeof *f.kinds);
  ok = typed(env, result, "fields", napi_uint16_array, f.fields, f.count, sizeof *f.fields) && ok;
  ok = typed(env, result, "starts", napi_int32_array, f.starts, f.count, sizeof *f.starts) && ok;
  ok = typed(env, result, "ends", napi_int32_array, f.ends, f.count, sizeof *f.ends) && ok;
  ok = typed(env, result, "parents", napi_int32_array, f.parents, f.count, sizeof *f.parents) && ok;
  ok = typed(env, result, "flags", napi_uint8_array, f.flags, f.count, sizeof *f.flags) && ok;
  if (!ok) return fail(env, "napi_create_typedarray");
  return result;
}

/* ---- names ------------------------------------------------------------------ */

static napi_value js_symbol_names(napi_env env, napi_callback_info info) {
  (void)info;
  const TSLanguage *language = tree_sitter_mesh();
  uint32_t count = ts_language_symbol_count(language);
  napi_value names;
  CHECK(napi_create_array_with_length(env, count + 2, &names));
  for (uint32_t i = 0; i < count + 2; i++) {
    const char *name = i < count ? ts_language_symbol_name(language, (TSSymbol)i) : i == count ? "ERROR" : "_ERROR";
    napi_value value;
    CHECK(napi_create_string_utf8(env, name ? name : "", NAPI_AUTO_LENGTH, &value));
    CHECK(napi_set_element(env, names, i, value));
  }
  return names;
}

static napi_value js_field_names(napi_env env, napi_callback_info info) {
  (void)info;
  const TSLanguage *language = tree_sitter_mesh();
  uint32_t count = ts_language_field_count(language);
  napi_value names;
  CHECK(napi_create_array_with_length(env, count + 1, &names));
  for (uint32_t i = 0; i <= count; i++) {
    const char *name = i == 0 ? NULL : ts_language_field_name_for_id(language, (TSFieldId)i);
    napi_value value;
    if (name) CHECK(napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &value));
    else CHECK(napi_get_null(env, &value));
    CHECK(napi_set_element(env, names, i, value));
  }
  return names;
}

/* Called from binding.cc's Init: adds the functions above to exports. */
napi_value tsm_flat_init(napi_env env, napi_value exports) {
  const TSLanguage *language = tree_sitter_mesh();
  error_kind = (uint16_t)ts_language_symbol_count(language);
  AddonState *state = calloc(1, sizeof *state);
  if (!state) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  state->parser = ts_parser_new();
  if (!state->parser || !ts_parser_set_language(state->parser, language)) {
    state_finalize(env, state, NULL);
    napi_throw_error(env, NULL, "tree-sitter-mesh: the runtime refused the Mesh language (ABI mismatch?)");
    return NULL;
  }
  if (napi_set_instance_data(env, state, state_finalize, NULL) != napi_ok) {
    state_finalize(env, state, NULL);
    return fail(env, "napi_set_instance_data");
  }
  napi_property_descriptor properties[] = {
      {"parse", NULL, js_parse, NULL, NULL, NULL, napi_default, NULL},
      {"hasError", NULL, js_has_error, NULL, NULL, NULL, napi_default, NULL},
      {"flatten", NULL, js_flatten, NULL, NULL, NULL, napi_default, NULL},
      {"free", NULL, js_free, NULL, NULL, NULL, napi_default, NULL},
      {"symbolNames", NULL, js_symbol_names, NULL, NULL, NULL, napi_default, NULL},
      {"fieldNames", NULL, js_field_names, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_value flat;
  CHECK(napi_create_object(env, &flat));
  CHECK(napi_define_properties(env, flat, sizeof properties / sizeof properties[0], properties));
  CHECK(napi_set_named_property(env, exports, "flat", flat));
  return exports;
}
