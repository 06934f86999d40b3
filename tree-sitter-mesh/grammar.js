/**
 * @file Tree-sitter grammar for Mesh (.mpl), accepting the union of the
 * February 2026 ("old") and April 2026 ("new") dialects.
 * @license MIT
 *
 * Newlines are significant at "depth 0": the external scanner emits the
 * hidden `_newline` token only where the grammar can accept one (statement,
 * arm, field and member separators). Inside argument/element/field lists the
 * grammar never accepts `_newline`, so there newlines are plain whitespace.
 * Before emitting `_newline` the scanner peeks past blank lines and comments;
 * a following `|>` or `|N>` continues the expression (leading pipe form).
 * After an operator `_newline` is never valid, which gives the trailing pipe
 * form (and permissive multi-line binary operators) for free.
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

const PREC = {
  pipe: 1,
  or: 2,
  and: 3,
  equality: 4,
  comparison: 5,
  range: 6,
  concat: 7,
  additive: 8,
  multiplicative: 9,
  unary: 10,
  trailing_closure: 11,
  postfix: 12,
};

// Words the real lexer always reserves. `json` is left out: it is a keyword
// only in the April dialect and only in front of `{` (February code uses it
// as a variable name).
const RESERVED = [
  'actor', 'after', 'alias', 'and', 'break', 'call', 'case', 'cast',
  'continue', 'def', 'do', 'else', 'end', 'false', 'fn', 'for', 'if', 'impl',
  'import', 'in', 'interface', 'let', 'link', 'match', 'module', 'monitor',
  'nil', 'not', 'or', 'pub', 'receive', 'return', 'self', 'send', 'service',
  'spawn', 'struct', 'supervisor', 'terminate', 'trait', 'trap', 'true',
  'type', 'when', 'where', 'while', 'with',
];

// Keywords the real parser accepts as a field or method name after `.`.
const KEYWORD_FIELDS = ['self', 'monitor', 'spawn', 'link', 'send', 'where', 'cast'];

/**
 * @param {RuleOrLiteral} sep
 * @param {RuleOrLiteral} rule
 */
function sepBy1(sep, rule) {
  return seq(rule, repeat(seq(sep, rule)));
}

/** `[pub] fn name[<T>][(params)][-> type]`: shared by definitions and body-less declarations. */
function functionHeader($) {
  return [
    optional(field('visibility', $.visibility)),
    choice('fn', 'def'),
    field('name', $.identifier),
    optional(field('type_parameters', $.type_parameters)),
    optional(field('parameters', $.parameters)),
    optional(seq('->', field('return_type', $._type))),
  ];
}

/** comma separated, optional trailing comma, possibly empty */
function commaSep(rule) {
  return optional(commaSep1(rule));
}

/** comma separated, optional trailing comma, at least one */
function commaSep1(rule) {
  return seq(sepBy1(',', rule), optional(','));
}

module.exports = grammar({
  name: 'mesh',

  word: $ => $.identifier,

  externals: $ => [
    $._newline,
    $.string_content,
    $._triple_string_content,
    $.escape_sequence,
    '${',
    '#{',
    $.block_comment,
    $._error_sentinel,
  ],

  extras: $ => [
    /[ \t\r\n]/,
    $.comment,
    $.doc_comment,
    $.block_comment,
  ],

  reserved: {
    global: _ => RESERVED,
  },

  // No `supertypes`: tree-sitter keeps a reduction (and a hidden node) for every
  // supertype occurrence, which cost about a quarter of all reductions and ~11% of
  // parse time. scripts/gen-node-types.js derives the groups below (the choices of
  // `_statement`, `_item`, `_expression`, `_pattern` and `_type`) from grammar.json.

  inline: $ => [
    $._separator,
    $._field_name,
    $._callee,
    $._type_identifier,
    // Inlined: a hidden choice costs a reduction per use (~10% of all reductions).
    $._type,
    $._base_type,
  ],

  conflicts: $ => [[$.function_definition, $._closure_bare_parameter]],

  rules: {
    source_file: $ => repeat(choice($._statement, $._separator, $._reserved_unused)),

    // `alias`, `trait`, `trap` and `with` are reserved by the real lexer but
    // used by no rule. Referencing them here (followed by a token the scanner
    // never produces) makes them tokens, so they can be reserved and any use
    // of them is a syntax error, as in meshc. `cond` was reserved the same way
    // in the February and April compilers, but later ones accept it as a name
    // (real Mesher code says `let cond = ...`), so it is an identifier here.
    _reserved_unused: $ => seq(choice('alias', 'trait', 'trap', 'with'), $._error_sentinel),

    _separator: $ => choice($._newline, ';'),

    // ------------------------------------------------------------------
    // Statements and items
    // ------------------------------------------------------------------

    _statement: $ => choice(
      $._item,
      $.let_declaration,
      $.return_statement,
      $.expression_statement,
      $.test_hook,
      $.assert_receive,
    ),

    _item: $ => choice(
      $.function_definition,
      $.module_definition,
      $.import_declaration,
      $.from_import,
      $.struct_definition,
      $.sum_type_definition,
      $.type_alias,
      $.interface_definition,
      $.impl_definition,
      $.actor_definition,
      $.service_definition,
      $.supervisor_definition,
    ),

    block: $ => repeat1(choice($._statement, $._separator)),

    expression_statement: $ => $._expression,

    let_declaration: $ => seq(
      'let',
      field('pattern', choice($.identifier, $.wildcard_pattern, $.tuple_pattern)),
      optional(seq('::', field('type', $._type))),
      '=',
      field('value', $._expression),
    ),

    return_statement: $ => prec.right(seq('return', optional(field('value', $._expression)))),

    // Test DSL (`*.test.mpl`): `setup do ... end`, `teardown do ... end`, and the
    // bare-label forms `test "label" do ... end` / `describe "label" do ... end`
    // (meshc's test preprocessor takes the label with or without parentheses).
    // The precedence settles `name "label"` for the hook (rather than two statements).
    test_hook: $ => prec(1, seq(
      field('name', $.identifier),
      optional(field('label', $.string)),
      'do',
      optional(field('body', $.block)),
      'end',
    )),

    // Test DSL: `assert_receive PATTERN [, TIMEOUT]`.
    assert_receive: $ => seq(
      'assert_receive',
      field('pattern', $._pattern),
      optional(seq(',', field('timeout', $._expression))),
    ),

    visibility: _ => 'pub',

    annotation: $ => seq(
      '@',
      field('name', $.identifier),
      optional(field('arguments', $.arguments)),
    ),

    function_definition: $ => choice(
      prec.dynamic(1, seq(
        repeat(field('annotation', $.annotation)),
        ...functionHeader($),
        optional(field('where', $.where_clause)),
        optional(seq('when', field('guard', $._expression))),
        choice(
          seq('=', field('body', $._expression)),
          seq('do', optional(field('body', $.block)), 'end'),
        ),
      )),
      // A body-less declaration behind an annotation, ended by the line:
      // `@native("sym")⏎pub fn add(a :: Int, b :: Int) -> Int` (compilers after April 2026).
      // Right-associative: `(`, `->` and the like after the name continue the header.
      prec.right(prec.dynamic(1, seq(repeat1(field('annotation', $.annotation)), ...functionHeader($)))),
    ),

    type_parameters: $ => seq('<', commaSep($._type_identifier), '>'),

    // High precedence: `fn name(...)` at statement start is a definition,
    // never a closure with a constructor-pattern parameter.
    parameters: $ => prec(10, seq('(', commaSep($.parameter), ')')),

    // Interface methods take names (or `self`) with optional types only.
    _interface_parameters: $ => seq('(', commaSep(alias($._interface_parameter, $.parameter)), ')'),

    _interface_parameter: $ => choice(
      $._named_parameter,
      field('pattern', $.self),
    ),

    parameter: $ => choice(
      prec(5, seq(
        field('pattern', $.identifier),
        optional(seq('::', optional(field('ownership', $.ownership)), field('type', $._type))),
      )),
      field('pattern', $.self),
      prec(5, field('pattern', $._parameter_pattern)),
      // `(_ :: rest)`: with a head that is not a name, `::` is the cons pattern, not a type.
      prec(5, field('pattern', alias($._parameter_cons_pattern, $.cons_pattern))),
    ),

    _parameter_cons_pattern: $ => seq(field('head', $._parameter_pattern), '::', field('tail', $._pattern)),

    // `x :: borrow T` / `x :: consume T` (compilers after April 2026).
    ownership: _ => choice('borrow', 'consume'),

    // Patterns allowed directly as a function parameter (no top-level cons,
    // or- or as-pattern, so that `x :: Int` stays a type annotation).
    _parameter_pattern: $ => prec(5, choice(
      $.wildcard_pattern,
      $._literal_pattern,
      $.tuple_pattern,
      $.constructor_pattern,
    )),

    where_clause: $ => seq('where', commaSep1($.trait_bound)),

    trait_bound: $ => seq(
      field('type', $._type_identifier),
      ':',
      field('trait', $._type_path),
    ),

    module_definition: $ => seq(
      optional(field('visibility', $.visibility)),
      'module',
      field('name', $.identifier),
      'do',
      optional(field('body', $.block)),
      'end',
    ),

    import_declaration: $ => seq('import', field('module', $.module_path)),

    from_import: $ => seq(
      'from',
      field('module', $.module_path),
      'import',
      field('names', choice(
        $.import_list,
        seq('(', alias($._parenthesized_import_list, $.import_list), ')'),
      )),
    ),

    // Without parentheses the list must fit on one line and has no
    // trailing comma; the parenthesised form (April) may span lines.
    import_list: $ => prec.right(seq(sepBy1(',', $.identifier), optional(','))),

    _parenthesized_import_list: $ => commaSep1($.identifier),

    module_path: $ => sepBy1('.', $.identifier),

    struct_definition: $ => seq(
      optional(field('visibility', $.visibility)),
      'struct',
      field('name', $._type_identifier),
      optional(field('type_parameters', $.type_parameters)),
      'do',
      optional(field('body', $.struct_body)),
      'end',
      optional(field('deriving', $.deriving_clause)),
    ),

    struct_body: $ => repeat1(choice($.struct_field, $.struct_option, $._newline)),

    struct_field: $ => seq(
      field('name', $.identifier),
      optional(seq('::', field('type', $._type))),
    ),

    // `table "t"`, `primary_key :id`, `timestamps true`,
    // `belongs_to :owner, User`, `has_many :posts, Post`, `has_one ...`.
    struct_option: $ => seq(
      field('name', $.identifier),
      field('value', choice($.string, $.atom, $.boolean)),
      optional(seq(',', field('target', $._type_identifier))),
    ),

    deriving_clause: $ => seq(
      'deriving',
      '(',
      commaSep($._type_identifier),
      ')',
    ),

    sum_type_definition: $ => seq(
      optional(field('visibility', $.visibility)),
      'type',
      field('name', $._type_identifier),
      optional(field('type_parameters', $.type_parameters)),
      'do',
      optional(field('body', $.variant_list)),
      'end',
      optional(field('deriving', $.deriving_clause)),
    ),

    variant_list: $ => repeat1(choice($.variant, $._separator)),

    variant: $ => seq(
      field('name', $.identifier),
      optional(seq('(', commaSep($.variant_field), ')')),
    ),

    variant_field: $ => choice(
      seq(field('name', $.identifier), '::', field('type', $._type)),
      field('type', $._type),
    ),

    type_alias: $ => seq(
      optional(field('visibility', $.visibility)),
      'type',
      field('name', $._type_identifier),
      optional(field('type_parameters', $.type_parameters)),
      '=',
      field('type', $._type),
    ),

    interface_definition: $ => seq(
      optional(field('visibility', $.visibility)),
      'interface',
      field('name', $._type_identifier),
      optional(field('type_parameters', $.type_parameters)),
      'do',
      optional(field('body', $.interface_body)),
      'end',
    ),

    interface_body: $ => repeat1(choice($.associated_type, $.interface_method, $._newline)),

    associated_type: $ => seq('type', field('name', $._type_identifier)),

    interface_method: $ => seq(
      choice('fn', 'def'),
      field('name', $.identifier),
      optional(field('parameters', alias($._interface_parameters, $.parameters))),
      optional(seq('->', field('return_type', $._type))),
      optional(seq('do', optional(field('body', $.block)), 'end')),
    ),

    impl_definition: $ => seq(
      'impl',
      field('trait', $._type_path),
      optional(field('type_arguments', $.type_arguments)),
      'for',
      field('type', $._type_path),
      optional(field('where', $.where_clause)),
      'do',
      optional(field('body', $.impl_body)),
      'end',
    ),

    impl_body: $ => repeat1(choice($.type_binding, $.function_definition, $._separator)),

    type_binding: $ => seq(
      'type',
      field('name', $._type_identifier),
      '=',
      field('type', $._type),
    ),

    actor_definition: $ => seq(
      'actor',
      field('name', $.identifier),
      optional(field('parameters', $.parameters)),
      'do',
      optional(field('body', alias($._actor_block, $.block))),
      'end',
    ),

    _actor_block: $ => repeat1(choice($._statement, $.terminate_clause, $._separator)),

    terminate_clause: $ => seq(
      'terminate',
      'do',
      optional(field('body', $.block)),
      'end',
    ),

    service_definition: $ => seq(
      'service',
      field('name', $.identifier),
      'do',
      optional(field('body', $.service_body)),
      'end',
    ),

    service_body: $ => repeat1(choice(
      $.function_definition,
      $.call_handler,
      $.cast_handler,
      $._separator,
    )),

    call_handler: $ => seq(
      'call',
      field('name', $.identifier),
      optional(field('parameters', $.parameters)),
      optional(seq('::', field('return_type', $._type))),
      'do',
      optional($._handler_state),
      optional(field('body', $.block)),
      'end',
    ),

    cast_handler: $ => seq(
      'cast',
      field('name', $.identifier),
      optional(field('parameters', $.parameters)),
      'do',
      optional($._handler_state),
      optional(field('body', $.block)),
      'end',
    ),

    _handler_state: $ => seq('|', field('state', $.identifier), '|'),

    supervisor_definition: $ => seq(
      optional(field('visibility', $.visibility)),
      'supervisor',
      field('name', $.identifier),
      'do',
      optional(field('body', $.supervisor_body)),
      'end',
    ),

    supervisor_body: $ => repeat1(choice($.supervisor_option, $.child_spec, $._separator)),

    // `strategy: one_for_one`, `max_restarts: 3`, `max_seconds: 5`
    supervisor_option: $ => seq(
      field('key', $.identifier),
      ':',
      field('value', $._expression),
    ),

    child_spec: $ => seq(
      'child',
      field('name', $.identifier),
      'do',
      optional(field('body', $.child_body)),
      'end',
    ),

    child_body: $ => repeat1(choice($.supervisor_option, $._separator)),

    // ------------------------------------------------------------------
    // Expressions
    // ------------------------------------------------------------------

    _expression: $ => choice(
      $.identifier,
      // `json` is an ordinary name in the February dialect.
      alias('json', $.identifier),
      $.self,
      $.integer,
      $.float,
      $.boolean,
      $.nil,
      $.atom,
      $.regex,
      $.string,
      $.break_expression,
      $.continue_expression,
      $.tuple_expression,
      $.parenthesized_expression,
      $.list_literal,
      $.map_literal,
      $.struct_update,
      $.json_literal,
      $.struct_literal,
      $.binary_expression,
      $.pipe_expression,
      $.unary_expression,
      $.call_expression,
      $.field_access,
      $.index_expression,
      $.try_expression,
      $.if_expression,
      $.case_expression,
      $.for_expression,
      $.while_expression,
      $.receive_expression,
      $.closure,
    ),

    self: _ => 'self',

    boolean: _ => choice('true', 'false'),

    nil: _ => 'nil',

    break_expression: _ => 'break',

    continue_expression: _ => 'continue',

    integer: _ => token(choice(
      /0[xX][0-9a-fA-F_]*/,
      /0[bB][01_]*/,
      /0[oO][0-7_]*/,
      /[0-9][0-9_]*/,
    )),

    float: _ => token(choice(
      /[0-9][0-9_]*\.[0-9][0-9_]*([eE][+-]?[0-9_]*)?/,
      /[0-9][0-9_]*[eE][+-]?[0-9_]*/,
    )),

    atom: _ => /:[a-z_][\p{L}\p{N}_]*/,

    regex: _ => token(seq('~r/', /([^\/\\]|\\[^\r\n])*/, '/', /[ims]*/)),

    identifier: _ => /[\p{L}\p{Nl}_][\p{L}\p{N}_]*/,

    _type_identifier: $ => alias($.identifier, $.type_identifier),

    string: $ => choice(
      seq(
        '"',
        repeat(choice($.string_content, $.escape_sequence, $.interpolation)),
        '"',
      ),
      seq(
        '"""',
        repeat(choice(
          alias($._triple_string_content, $.string_content),
          $.escape_sequence,
          $.interpolation,
        )),
        '"""',
      ),
    ),

    interpolation: $ => seq(
      choice('${', '#{'),
      field('expression', $._expression),
      '}',
    ),

    tuple_expression: $ => choice(
      seq('(', ')'),
      seq('(', $._expression, ',', commaSep($._expression), ')'),
    ),

    parenthesized_expression: $ => seq('(', $._expression, ')'),

    list_literal: $ => seq('[', commaSep($._expression), ']'),

    map_literal: $ => seq('%', '{', commaSep($.map_entry), '}'),

    map_entry: $ => seq(field('key', $._expression), '=>', field('value', $._expression)),

    struct_update: $ => seq(
      '%', '{',
      field('value', $._expression),
      '|',
      repeat1(seq($.field_initializer, optional(','))),
      '}',
    ),

    json_literal: $ => prec(PREC.postfix + 1, seq(
      'json',
      '{',
      repeat(seq($.field_initializer, optional(','))),
      '}',
    )),

    field_initializer: $ => seq(
      field('name', $.identifier),
      ':',
      field('value', $._expression),
    ),

    // meshc accepts `{` after any expression; real code uses `Name {` and
    // `Mod.Name {`.
    struct_literal: $ => prec(PREC.postfix, seq(
      field('name', $._expression),
      '{',
      repeat(seq($.field_initializer, optional(','))),
      '}',
    )),

    binary_expression: $ => {
      const table = [
        [PREC.or, choice('or', '||')],
        [PREC.and, choice('and', '&&')],
        [PREC.equality, choice('==', '!=')],
        [PREC.comparison, choice('<', '>', '<=', '>=')],
        [PREC.range, '..'],
        [PREC.concat, choice('<>', '++')],
        [PREC.additive, choice('+', '-')],
        [PREC.multiplicative, choice('*', '/', '%')],
      ];
      return choice(...table.map(([p, op]) => prec.left(p, seq(
        field('left', $._expression),
        field('operator', op),
        field('right', $._expression),
      ))));
    },

    pipe_expression: $ => prec.left(PREC.pipe, seq(
      field('left', $._expression),
      field('operator', choice('|>', $.slot_pipe)),
      field('right', $._expression),
    )),

    // `|2>`, `|10>`; `|0>` and `|1>` are lexer errors in meshc.
    slot_pipe: _ => /\|([2-9]|[1-9][0-9]+)>/,

    unary_expression: $ => prec(PREC.unary, seq(
      field('operator', choice('-', '!', 'not')),
      field('operand', $._expression),
    )),

    call_expression: $ => choice(
      prec(PREC.postfix, seq(
        field('function', $._callee),
        field('arguments', $.arguments),
      )),
      // `f(args) do |x| ... end`. Lower precedence than the plain call so
      // that in `if f() do`, `case f() do` etc. the `do` opens the body.
      prec(PREC.trailing_closure, seq(
        field('function', $._callee),
        field('arguments', $.arguments),
        field('trailing_closure', $.trailing_closure),
      )),
    ),

    _callee: $ => choice(
      $._expression,
      alias(choice('spawn', 'send', 'link'), $.identifier),
    ),

    // Positional arguments, then keyword arguments (`key: value`). Once a
    // keyword argument has appeared, every later argument is one too, and
    // (as in meshc) its name may be any single word or number, keywords
    // included: `f(a: 1, type: 2)`.
    arguments: $ => seq(
      '(',
      optional(choice(
        seq(
          sepBy1(',', $._expression),
          optional(seq(',', optional($._keyword_arguments))),
        ),
        $._keyword_arguments,
      )),
      ')',
    ),

    _keyword_arguments: $ => seq(
      $.keyword_argument,
      repeat(seq(',', alias($._later_keyword_argument, $.keyword_argument))),
      optional(','),
    ),

    keyword_argument: $ => seq(
      field('name', $.identifier),
      ':',
      field('value', $._expression),
    ),

    _later_keyword_argument: $ => seq(
      field('name', choice(
        $.identifier,
        alias($.integer, $.identifier),
        alias(choice(...RESERVED, 'json'), $.identifier),
      )),
      ':',
      field('value', $._expression),
    ),

    trailing_closure: $ => seq(
      'do',
      optional(seq('|', field('parameters', $.closure_parameters), '|')),
      optional(field('body', $.block)),
      'end',
    ),

    // `do |a, b :: Int|`: names with optional types only (no patterns).
    closure_parameters: $ => commaSep1(alias($._named_parameter, $.parameter)),

    _named_parameter: $ => seq(
      field('pattern', $.identifier),
      optional(seq('::', field('type', $._type))),
    ),

    field_access: $ => prec(PREC.postfix, seq(
      field('object', $._expression),
      '.',
      field('field', $._field_name),
    )),

    _field_name: $ => choice(
      $.identifier,
      alias(choice(...KEYWORD_FIELDS), $.identifier),
    ),

    index_expression: $ => prec(PREC.postfix, seq(
      field('object', $._expression),
      '[',
      field('index', $._expression),
      ']',
    )),

    try_expression: $ => prec(PREC.postfix, seq(
      field('operand', $._expression),
      '?',
    )),

    if_expression: $ => seq(
      'if',
      field('condition', $._expression),
      'do',
      optional(field('consequence', $.block)),
      choice(
        'end',
        field('alternative', $.else_clause),
      ),
    ),

    else_clause: $ => seq(
      'else',
      choice(
        prec(1, field('body', $.if_expression)),
        seq(optional(field('body', $.block)), 'end'),
      ),
    ),

    case_expression: $ => seq(
      choice('case', 'match'),
      field('subject', $._expression),
      'do',
      repeat(choice($.arm, $._newline)),
      'end',
    ),

    // A bare arm (`Ok(v)` alone on its line) yields the matched value unchanged
    // (compilers after April 2026).
    arm: $ => choice(
      seq(
        field('pattern', $._pattern),
        optional(seq('when', field('guard', $._expression))),
        '->',
        field('body', choice(
          $._expression,
          $.do_block,
        )),
      ),
      field('pattern', $._pattern),
    ),

    // Receive arms have a single-expression body (no `-> do ... end`).
    _receive_arm: $ => seq(
      field('pattern', $._pattern),
      optional(seq('when', field('guard', $._expression))),
      '->',
      field('body', $._expression),
    ),

    do_block: $ => seq('do', optional(field('body', $.block)), 'end'),

    for_expression: $ => seq(
      'for',
      field('binding', choice($.identifier, $.destructure_binding, $.tuple_pattern)),
      'in',
      field('iterable', $._expression),
      optional(seq('when', field('filter', $._expression))),
      'do',
      optional(field('body', $.block)),
      'end',
    ),

    destructure_binding: $ => seq('{', commaSep1($.identifier), '}'),

    while_expression: $ => seq(
      'while',
      field('condition', $._expression),
      'do',
      optional(field('body', $.block)),
      'end',
    ),

    receive_expression: $ => seq(
      'receive',
      'do',
      repeat(choice(alias($._receive_arm, $.arm), $._newline)),
      optional(seq(field('after', $.after_clause), repeat($._newline))),
      'end',
    ),

    after_clause: $ => seq(
      'after',
      field('timeout', $._expression),
      '->',
      field('body', $._expression),
    ),

    closure: $ => seq(
      'fn',
      choice(
        seq('->', optional(field('body', $.block))),
        seq('do', optional(field('body', $.block))),
        seq(
          field('parameters', $._closure_parameter_list),
          optional(seq('when', field('guard', $._expression))),
          'do',
          optional(field('body', $.block)),
        ),
        seq(
          $.closure_clause,
          repeat(seq('|', choice($.closure_clause, alias($._closure_block_clause, $.closure_clause)))),
        ),
      ),
      'end',
    ),

    // A later clause may have a do-body with its own `end`:
    // `fn Err(_) -> 0 | Ok(v) do ... end end`.
    _closure_block_clause: $ => seq(
      field('parameters', $._closure_parameter_list),
      optional(seq('when', field('guard', $._expression))),
      'do',
      optional(field('body', $.block)),
      'end',
    ),

    closure_clause: $ => seq(
      field('parameters', $._closure_parameter_list),
      optional(seq('when', field('guard', $._expression))),
      '->',
      field('body', $._expression),
    ),

    _closure_parameter_list: $ => choice(
      $.parameters,
      alias($._bare_parameters, $.parameters),
    ),

    _bare_parameters: $ => sepBy1(',', alias($._closure_bare_parameter, $.parameter)),

    _closure_bare_parameter: $ => choice(
      seq(
        field('pattern', $.identifier),
        optional(seq('::', optional(field('ownership', $.ownership)), field('type', $._type))),
      ),
      field('pattern', choice(
        $.wildcard_pattern,
        $._literal_pattern,
        $.constructor_pattern,
      )),
    ),

    // ------------------------------------------------------------------
    // Patterns
    // ------------------------------------------------------------------

    _pattern: $ => choice(
      $.identifier,
      $.wildcard_pattern,
      $._literal_pattern,
      $.tuple_pattern,
      $.constructor_pattern,
      $.or_pattern,
      $.as_pattern,
      $.cons_pattern,
      $.string_concat_pattern,
      $.list_pattern,
      $.struct_pattern,
    ),

    // `[]`, `[x]`, `[a, "--flag", b]` (compilers after April 2026).
    list_pattern: $ => seq('[', commaSep($._pattern), ']'),

    wildcard_pattern: _ => '_',

    // `"prefix" <> rest` / `rest <> ".json"`: the intended string pattern that meshc's parser
    // does not accept yet (known gap string-prefix-pattern). Modelled so that code written
    // for it, and the gap's probe, get a real tree instead of an ERROR node.
    string_concat_pattern: $ => prec.left(3, choice(
      seq(field('prefix', $.string), '<>', field('rest', choice($.identifier, $.wildcard_pattern))),
      seq(field('rest', choice($.identifier, $.wildcard_pattern)), '<>', field('suffix', $.string)),
    )),

    _literal_pattern: $ => choice(
      $.integer,
      $.float,
      $.negative_literal,
      $.string,
      $.boolean,
      $.nil,
    ),

    negative_literal: $ => seq('-', choice($.integer, $.float)),

    tuple_pattern: $ => seq('(', commaSep($._pattern), ')'),

    // `Point { x, y: 0 }` (compilers after April 2026): a field alone binds its own name.
    struct_pattern: $ => seq(
      field('name', choice($._type_identifier, $.qualified_name)),
      '{',
      commaSep(choice(alias($.identifier, $.field_pattern), $.field_pattern)),
      '}',
    ),

    field_pattern: $ => seq(field('name', $.identifier), ':', field('pattern', $._pattern)),

    constructor_pattern: $ => choice(
      prec(4, seq(
        field('constructor', choice($.identifier, $.qualified_name)),
        '(',
        commaSep($._pattern),
        ')',
      )),
      prec(3, field('constructor', $.qualified_name)),
    ),

    qualified_name: $ => seq(
      field('module', $.identifier),
      '.',
      field('name', $.identifier),
    ),

    or_pattern: $ => prec.left(2, seq($._pattern, '|', $._pattern)),

    cons_pattern: $ => prec.right(1, seq(
      field('head', $._pattern),
      '::',
      field('tail', $._pattern),
    )),

    as_pattern: $ => prec.left(0, seq(
      field('pattern', $._pattern),
      'as',
      field('name', $.identifier),
    )),

    // ------------------------------------------------------------------
    // Types
    // ------------------------------------------------------------------

    _type: $ => choice(
      $._base_type,
      $.optional_type,
      $.result_type,
    ),

    _base_type: $ => choice(
      $._type_identifier,
      $.qualified_type,
      $.generic_type,
      $.tuple_type,
      $.function_type,
    ),

    _type_path: $ => choice($._type_identifier, $.qualified_type),

    qualified_type: $ => seq(
      field('module', $._type_path),
      '.',
      field('name', $._type_identifier),
    ),

    generic_type: $ => seq(
      field('name', $._type_path),
      field('type_arguments', $.type_arguments),
    ),

    type_arguments: $ => seq('<', commaSep($._type), '>'),

    tuple_type: $ => seq('(', commaSep($._type), ')'),

    function_type: $ => prec.right(seq(
      'Fun',
      field('parameters', alias($._function_type_parameters, $.type_list)),
      '->',
      field('return_type', $._type),
    )),

    _function_type_parameters: $ => seq('(', commaSep($._type), ')'),

    optional_type: $ => prec(2, seq(field('type', $._base_type), '?')),

    result_type: $ => prec.right(2, seq(
      field('ok', choice($._base_type, $.optional_type)),
      '!',
      field('error', $._type),
    )),

    // ------------------------------------------------------------------
    // Comments
    // ------------------------------------------------------------------

    comment: _ => token(prec(-1, /#[^\r\n]*/)),

    doc_comment: _ => token(seq('##', /[^\r\n]*/)),
  },
});
