; Syntax highlighting for Mesh. When two patterns capture the same node the
; later one wins (tree-sitter-cli and Neovim agree on this), so general
; patterns come before specific ones. Checked by test/highlight/*.mpl.

; ---------------------------------------------------------------- comments
(comment) @comment
(block_comment) @comment
(doc_comment) @comment.documentation

; ---------------------------------------------------------------- literals
(string) @string
(escape_sequence) @string.escape
(interpolation
  ["${" "#{" "}"] @punctuation.special)
(regex) @string.regexp
(atom) @string.special.symbol
(integer) @number
(float) @number.float
(boolean) @boolean
(nil) @constant.builtin
(visibility) @keyword.modifier
(ownership) @keyword.modifier
(self) @variable.builtin

; ---------------------------------------------------------------- definitions
(function_definition name: (identifier) @function)
(interface_method name: (identifier) @function.method)
(call_handler name: (identifier) @function.method)
(cast_handler name: (identifier) @function.method)
(actor_definition name: (identifier) @function)
(service_definition name: (identifier) @type)
(supervisor_definition name: (identifier) @type)
(child_spec name: (identifier) @function)
(module_definition name: (identifier) @module)
(struct_field name: (identifier) @property)
(struct_option name: (identifier) @keyword)
(variant name: (identifier) @constructor)
(variant_field name: (identifier) @property)
(field_initializer name: (identifier) @property)
(keyword_argument name: (identifier) @property)
(supervisor_option key: (identifier) @property)
(annotation "@" @attribute name: (identifier) @attribute)
(test_hook name: (identifier) @function.macro)
(module_path (identifier) @module)
(import_list (identifier) @variable)

(parameter pattern: (identifier) @variable.parameter)
(let_declaration pattern: (identifier) @variable)

; ---------------------------------------------------------------- types
(type_identifier) @type
(deriving_clause (type_identifier) @type)
(constructor_pattern constructor: (identifier) @constructor)
(qualified_name name: (identifier) @constructor)

; ---------------------------------------------------------------- calls
(field_access field: (identifier) @property)
(call_expression function: (identifier) @function.call)
(call_expression
  function: (field_access field: (identifier) @function.method.call))

; ---------------------------------------------------------------- keywords
[
  "fn" "def" "do" "end" "let" "return" "module" "import" "from"
  "struct" "type" "interface" "impl" "for" "in" "where" "when" "deriving"
  "actor" "service" "supervisor" "child" "terminate" "call" "cast"
  "receive" "after" "json"
] @keyword

[ "if" "else" "case" "match" ] @keyword.conditional
[ "while" ] @keyword.repeat
(break_expression) @keyword.repeat
(continue_expression) @keyword.repeat
[ "and" "or" "not" "as" ] @keyword.operator
"assert_receive" @function.macro
"Fun" @type.builtin

; ---------------------------------------------------------------- operators
[
  "+" "-" "*" "/" "%" "==" "!=" "<" ">" "<=" ">=" "&&" "||" "!"
  "|>" ".." "<>" "++" "=" "->" "=>" "::" "?" "|"
] @operator
(slot_pipe) @operator

[ "(" ")" "[" "]" "{" "}" ] @punctuation.bracket
[ "," "." ":" ";" ] @punctuation.delimiter
