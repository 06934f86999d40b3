{
  "variables": {
    # The tree-sitter runtime's C sources, from the `tree-sitter` npm package (a peer
    # dependency) next to this one; empty when it is not installed. The runtime is built
    # into this addon for bindings/node/flat_tree.c (the whole-tree export); without it
    # the addon only exports the language, as before.
    "ts_runtime%": "<!(node -p \"try { require('path').relative('.', require('path').join(require('path').dirname(require.resolve('tree-sitter/package.json')), 'vendor', 'tree-sitter', 'lib')) } catch (e) { '' }\")",
  },
  "targets": [
    {
      "target_name": "tree_sitter_mesh_binding",
      "dependencies": [
        "<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except",
      ],
      "include_dirs": [
        "src",
      ],
      "sources": [
        "bindings/node/binding.cc",
        # src/parser.c, compiled with faster lexer primitives (see the file).
        "bindings/node/parser_fast.c",
        "src/scanner.c",
      ],
      "conditions": [
        ["OS!='win'", {
          "cflags_c": [
            "-std=c11",
          ],
        }, { # OS == "win"
          "cflags_c": [
            "/std:c11",
            "/utf-8",
          ],
        }],
        ["ts_runtime!=''", {
          "dependencies": ["tree_sitter_mesh_runtime"],
          "include_dirs": ["<(ts_runtime)/include"],
          "sources": ["bindings/node/flat_tree.c"],
          "defines": ["TSM_FLAT_TREE"],
          "conditions": [
            ["OS=='linux'", {
              # api.h gives the runtime's functions default visibility; keep them out of
              # the addon's dynamic symbols anyway (each addon uses its own copy).
              "ldflags": ["-Wl,--exclude-libs,ALL"],
            }],
          ],
        }],
      ],
    },
  ],
  "conditions": [
    ["ts_runtime!=''", {
      "targets": [
        {
          # The runtime, compiled as the tree-sitter package compiles it.
          "target_name": "tree_sitter_mesh_runtime",
          "type": "static_library",
          "sources": ["<(ts_runtime)/src/lib.c"],
          "include_dirs": ["<(ts_runtime)/src", "<(ts_runtime)/include"],
          "defines": ["_POSIX_C_SOURCE=200112L", "_DEFAULT_SOURCE"],
          "conditions": [
            ["OS!='win'", {
              "cflags_c": ["-std=c11"],
            }, {
              "cflags_c": ["/std:c11"],
            }],
          ],
        },
      ],
    }],
  ],
}
