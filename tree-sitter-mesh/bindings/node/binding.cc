#include <napi.h>

typedef struct TSLanguage TSLanguage;

extern "C" TSLanguage *tree_sitter_mesh();

#ifdef TSM_FLAT_TREE
// flat_tree.c: parse + whole-tree export as typed arrays (exports.flat).
extern "C" napi_value tsm_flat_init(napi_env env, napi_value exports);
#endif

// "tree-sitter", "language" hashed with BLAKE3
const napi_type_tag LANGUAGE_TYPE_TAG = {
    0x8AF2E5212AD58ABF, 0xD5006CAD83ABBA16
};

Napi::Object Init(Napi::Env env, Napi::Object exports) {
    auto language = Napi::External<TSLanguage>::New(env, tree_sitter_mesh());
    language.TypeTag(&LANGUAGE_TYPE_TAG);
    exports["language"] = language;
#ifdef TSM_FLAT_TREE
    if (tsm_flat_init(env, exports) == nullptr) {
        if (env.IsExceptionPending()) throw env.GetAndClearPendingException();
        throw Napi::Error::New(env, "tree-sitter-mesh: cannot set up the tree export");
    }
#endif
    return exports;
}

NODE_API_MODULE(tree_sitter_mesh_binding, Init)
