import type { KnownGap } from '../types/index.js';
import { anyOf, qualifiedCall } from './queries.js';

/**
 * The known-gap catalog as data: the twelve gaps Mesh developers hit while writing Mesher
 * and the other compiler/runtime bugs recorded while building it (research notes in
 * shared/mesh/known-gaps.md; statuses are per snapshot HEAD: "february" = snowdamiz
 * c8728bd2, "april" = hyperpush-org 5bc8e7f).
 *
 * Detection queries report the node captured as `@risky` / `@workaround`; shapes that a
 * query cannot express alone get a named predicate in predicates.ts (same gap key).
 * Compiler gaps carry a probe program (fixtures/mesh/gaps/<key>.mpl, header format in
 * docs/gaps.md); runtime design limits carry a measurement recipe instead.
 */

const probe = (key: string): string => `fixtures/mesh/gaps/${key}.mpl`;

const SIGNAL_CRASH = 'SIGSEGV|SIGBUS|Segmentation fault|Bus error';

export const GAP_CATALOG: readonly KnownGap[] = [
  // ---------------------------------------------------------------- the twelve gaps
  {
    key: 'list-find-case',
    title: 'case on a List.find Option with a binding Some(x) arm',
    kind: 'compiler',
    stage: 'llvm-verify',
    signaturePatterns: ['Instruction does not dominate all uses', 'alloca ptr.*not dominated'],
    trigger:
      'A case arm with a constructor pattern that binds a name (Some(x), Ok(v), Err(e)) — first seen on the Option returned by List.find. The binding slot was created inside the arm block, so a use from a block it does not dominate failed LLVM verification.',
    workaround:
      'Before the fix: match with Err(_)/Some(_) and fetch the value another way (List.filter + List.head), give every binder a unique name, or pass the Option to a helper function. Bind the call with let before the case.',
    status: { february: 'fixed', april: 'fixed' },
    fixedIn: 'february 0d62f018 (2026-02-14, binding slots in the entry block; follow-up e0daa42c)',
    detection: {
      risky: '(arm pattern: (constructor_pattern constructor: (_) (identifier) @binder) @risky)',
    },
    probe: probe('list-find-case'),
  },
  {
    key: 'multiline-pipe',
    title: 'pipe chain continued on the next line with a leading |>',
    kind: 'compiler',
    stage: 'parse',
    signaturePatterns: ['expected expression'],
    trigger:
      'A |> (or |N>) that starts a line. Newlines outside ()/[]/{} end a statement, so older parsers saw a statement with no left operand.',
    workaround:
      'Keep the chain on one line, split it into let bindings, or wrap the whole chain in parentheses (and keep comments out of the parenthesised chain on older compilers).',
    status: { february: 'fixed', april: 'fixed' },
    fixedIn: 'february fc2032b8 (2026-02-16, leading |> continuation)',
    detection: {
      risky: '(pipe_expression) @risky',
      workaround: '(parenthesized_expression (pipe_expression)) @workaround',
    },
    probe: probe('multiline-pipe'),
  },
  {
    key: 'trailing-pipe',
    title: 'pipe chain continued with |> at the end of a line',
    kind: 'compiler',
    stage: 'parse',
    signaturePatterns: ['expected expression'],
    trigger: 'A |> (or |N>) left at the end of a line with the right operand on the next line.',
    workaround: 'Start continuation lines with |> instead (works since fc2032b8), or keep the chain on one line.',
    status: { february: 'open', april: 'fixed' },
    fixedIn: 'april, Phase 126 (PIPE-01/PIPE-02; no commit id in either snapshot)',
    detection: {
      risky: '(pipe_expression) @risky',
    },
    probe: probe('trailing-pipe'),
  },
  {
    key: 'map-collect-string-keys',
    title: 'Map.collect into a String-keyed map compares keys by pointer',
    kind: 'compiler',
    stage: 'wrong-output',
    signaturePatterns: ['Map\\.collect', 'duplicate (string )?keys?', 'mesh_map_collect'],
    trigger:
      'Map.collect() whose String keys are computed inside Iter.map/Iter.enumerate, a direct Map.collect(it) call, an iterator bound with let and collected later, or Map.from_list with String keys. MIR lowering picks the int-keyed collect: equal strings become separate entries and Map.get misses (returning 0).',
    workaround:
      'Build the map by hand with Map.put starting from Map.new() (a fold or recursion), or make the pipe source a Map<String, _> or List<(String, _)>; check Map.has_key before Map.get.',
    status: { february: 'open', april: 'open' },
    fixedIn: 'partly: february df9a7d45 (pipe source Map/List of String tuples), april Phase 129 (Iter.zip sources); Iter.map keys, direct calls and Map.from_list still unhandled',
    detection: {
      risky: anyOf(
        `(pipe_expression right: ${qualifiedCall('Map', 'collect', 'risky')})`,
        qualifiedCall('Map', 'collect', 'risky', { args: '(_)', tag: 'd' }),
        qualifiedCall('Map', 'from_list', 'risky', { tag: 'f' }),
      ),
      workaround: qualifiedCall('List', 'reduce', 'workaround', {
        args: `(_) ${qualifiedCall('Map', 'new', 'seed', { tag: 'n' })}`,
      }),
    },
    probe: probe('map-collect-string-keys'),
  },
  {
    key: 'collect-to-string',
    title: '.to_string() on the result of *.collect() panics the type checker',
    kind: 'compiler',
    stage: 'compiler-crash',
    signaturePatterns: ['index out of bounds', 'snapshot_vec', 'TyVar.*(unresolved|out of bounds)'],
    trigger:
      'Calling .to_string() on a value produced by List/Map/Set/String.collect(): its element type is a free type variable and the method lookup panics inside the unification table (ena snapshot_vec index out of bounds; reproduced with the type checkers of both snapshots).',
    workaround: 'Format through interpolation ("${xs}") or use module functions such as List.length(xs).',
    status: { february: 'open', april: 'open' },
    detection: {
      risky: '((call_expression function: (field_access field: (identifier) @method)) @risky (#eq? @method "to_string"))',
    },
    probe: probe('collect-to-string'),
  },
  {
    key: 'middleware-untyped-param',
    title: 'HTTP middleware or handler with unannotated parameters',
    kind: 'compiler',
    stage: 'llvm-verify',
    signaturePatterns: ['Call parameter type does not match function signature', 'call \\{\\} @', 'ret \\{\\} zeroinitializer'],
    trigger:
      'A function with an unannotated parameter passed by name to HTTP.use/route/on_get/on_post/on_put/on_delete (or as a Ws.serve callback) whose body never pins the parameter type: it generalizes to a type variable that lowers to {} and fails LLVM verification.',
    workaround: 'Annotate: fn trace(req :: Request, next) -> Response do ... end (calling a Request.* accessor on the parameter also pins it).',
    status: { february: 'open', april: 'open' },
    fixedIn: 'partly in april (QUAL-02 call-site type recovery; proven by a build-only test, pass-through middleware still annotated)',
    detection: {
      risky: `((call_expression function: (field_access object: (identifier) @mod field: (identifier) @fn) arguments: (arguments (identifier) @risky)) (#match? @mod "^(HTTP|Ws)$") (#match? @fn "^(use|route|on_get|on_post|on_put|on_delete|serve)$"))`,
      workaround: '((parameter type: (type_identifier) @type) @workaround (#eq? @type "Request"))',
    },
    probe: probe('middleware-untyped-param'),
  },
  {
    key: 'timer-thread-per-call',
    title: 'Timer.send_after spawns one OS thread per call',
    kind: 'runtime-limit',
    stage: 'runtime-panic',
    signaturePatterns: ['failed to spawn thread', 'Resource temporarily unavailable'],
    trigger:
      'Timer.send_after called per item: inside recursion, a loop, an actor that re-arms itself, or a List.map/Iter closure. Each pending timer is a sleeping OS thread; many of them exhaust threads and add jitter.',
    workaround: 'One ticker actor per interval: Timer.sleep(ms) (which yields), do the work or call the service cast, then tail-call itself. Never one timer per item.',
    status: { february: 'open', april: 'open' },
    detection: {
      risky: qualifiedCall('Timer', 'send_after', 'risky'),
      workaround: `((actor_definition body: (block (expression_statement ${qualifiedCall('Timer', 'sleep', 'sleep')}))) @workaround)`,
    },
    measurement:
      'Build a program that arms N Timer.send_after(pid, 60000, i) calls (N = 100, 1000, 5000), then sample its thread count while it waits: `ls /proc/<pid>/task | wc -l` (or ps -o nlwp). Threads grow by about one per pending timer; compare with a single ticker actor, which stays flat.',
  },
  {
    key: 'timer-service-cast',
    title: 'Timer.send_after to a service PID never runs a cast handler',
    kind: 'compiler',
    stage: 'wrong-output',
    signaturePatterns: ['send_after'],
    trigger: 'Timer.send_after whose target is a service PID (from X.start(); typed Pid<()>, so only () type-checks as payload). The delivered message is the raw payload without a dispatch tag, so no cast handler runs: a silent no-op.',
    workaround: 'A ticker actor that calls Timer.sleep(ms) and then the service cast helper (e.g. Counter.bump(pid)), then tail-calls itself.',
    status: { february: 'open', april: 'open' },
    detection: {
      risky: qualifiedCall('Timer', 'send_after', 'risky'),
      workaround: `((actor_definition body: (block (expression_statement ${qualifiedCall('Timer', 'sleep', 'sleep')}))) @workaround)`,
    },
    probe: probe('timer-service-cast'),
  },
  {
    key: 'map-linear-scan',
    title: 'Map is an immutable linear-scan vector (O(n) lookup, O(n) copy per put)',
    kind: 'runtime-limit',
    stage: 'hang',
    signaturePatterns: ['mesh_map_put', 'mesh_map_get', 'find_key'],
    trigger: 'Map.put on an accumulator inside recursion, a fold closure or a for/while body; maps used as service state that grows per request. Building an n-entry map costs about n²/2 entry copies.',
    workaround: 'Keep maps small, aggregate in SQL, split state across actors, avoid maps as accumulators in hot loops.',
    status: { february: 'open', april: 'open' },
    detection: {
      risky: qualifiedCall('Map', 'put', 'risky'),
    },
    measurement:
      'Time a program that builds a String-keyed map with n Map.put calls in a recursive loop for n = 1000, 2000, 4000, 8000 and print Map.size at the end: wall time roughly quadruples when n doubles (O(n²)); a linear structure would double.',
  },
  {
    key: 'list-group-by',
    title: 'List.group_by does not exist',
    kind: 'compiler',
    stage: 'typecheck',
    signaturePatterns: ['no method `group_by` on type `List`', 'group_by'],
    trigger: 'Calling List.group_by(xs, f): List has no group_by (only Query.group_by exists); the type checker reports E0030 "no method `group_by` on type `List`".',
    workaround: 'Fold into Map<K, List<T>> by hand (check Map.has_key first, Map.get returns 0 on a miss), or group in SQL with Query.group_by.',
    status: { february: 'open', april: 'open' },
    detection: {
      risky: qualifiedCall('List', 'group_by', 'risky'),
      workaround: qualifiedCall('Query', 'group_by|group_by_raw', 'workaround', { nameIsPattern: true }),
    },
    probe: probe('list-group-by'),
  },
  {
    key: 'string-prefix-pattern',
    title: 'no "prefix" <> rest string patterns',
    kind: 'compiler',
    stage: 'parse',
    signaturePatterns: ['expected ARROW'],
    trigger: 'A case arm or function-head pattern of the form "prefix" <> rest (or rest <> "suffix"): the pattern parser has no <> pattern and reports expected ARROW at the <>.',
    workaround: 'if String.starts_with(line, "prefix") do ... String.slice(...) ... end, or String.split; in april the Regex module (Regex.captures) also works.',
    status: { february: 'open', april: 'open' },
    detection: {
      risky: '(string_concat_pattern) @risky',
      workaround: qualifiedCall('String', 'starts_with|ends_with', 'workaround', { nameIsPattern: true }),
    },
    probe: probe('string-prefix-pattern'),
  },
  {
    key: 'conservative-gc',
    title: 'conservative stack-scanning GC retains garbage',
    kind: 'runtime-limit',
    stage: 'runtime-crash',
    signaturePatterns: ['memory allocation of \\d+ bytes failed', 'out of memory', 'SIGKILL'],
    trigger: 'A long-running actor that tail-calls itself forever and allocates every iteration (interpolated strings, lists, maps, Json.encode) while holding large Int values on its stack: any word that looks like a heap address keeps an object alive, and each GC walks every object per candidate word.',
    workaround: 'Short-lived worker actors, periodic supervised restarts, fewer live locals in hot loops; watch per-actor heap size.',
    status: { february: 'open', april: 'open' },
    detection: {
      risky: '(actor_definition) @risky',
    },
    measurement:
      'Run an actor loop that allocates a string and a small list per message and recurses with a large incrementing Int (e.g. a hash-like seq), feeding it a fixed number of messages; sample RSS (`ps -o rss= -p <pid>`) every second. Retained memory that keeps growing with message count, instead of levelling off, is the conservative-GC retention.',
  },
  {
    key: 'pool-checkout-blocks',
    title: 'connection-pool checkout blocks a scheduler worker thread',
    kind: 'runtime-limit',
    stage: 'hang',
    signaturePatterns: ['checkout.*time(d)? ?out', 'pool.*timeout', 'timed out waiting for (a )?connection'],
    trigger: 'A pool opened with a small max (Pool.open(url, min, max, timeout_ms)) used by more concurrent handlers or actors than max: checkout waits on a Condvar on the OS worker thread, stalling every actor pinned to it, and can deadlock until the timeout.',
    workaround: 'Make pool max at least the number of scheduler workers (about the core count), use short checkout timeouts, and route writes through a few batching writer services.',
    status: { february: 'open', april: 'open' },
    detection: {
      risky: qualifiedCall('Pool', 'open', 'risky'),
    },
    measurement:
      'Against a local PostgreSQL, open a pool with max = 1 and serve a route that runs a slow query (SELECT pg_sleep(0.2)); fire 8 concurrent requests from localhost and record per-request latency and requests that time out. Repeat with max = core count: latency should drop to about one query time.',
  },
  {
    key: 'ws-reader-thread',
    title: 'one OS reader thread per WebSocket connection',
    kind: 'runtime-limit',
    stage: 'runtime-crash',
    signaturePatterns: ['failed to spawn thread', 'reader_thread'],
    trigger: 'Ws.serve(on_connect, on_message, on_close, port) used for an endpoint that holds hundreds or thousands of concurrent sockets: each connection gets an actor plus an OS thread polling reads every 100 ms, and broadcasts contend on a per-connection mutex.',
    workaround: 'Cap connections per project or user, broadcast through rooms (Ws.join/Ws.broadcast), close idle connections.',
    status: { february: 'open', april: 'open' },
    detection: {
      risky: qualifiedCall('Ws', 'serve', 'risky'),
      workaround: qualifiedCall('Ws', 'join|broadcast|broadcast_except', 'workaround', { nameIsPattern: true }),
    },
    measurement:
      'Open N WebSocket connections from localhost (N = 10, 100, 500) to a Ws.serve echo server and sample its thread count (`ls /proc/<pid>/task | wc -l`) and RSS once all are connected: threads grow by one per connection.',
  },

  // ---------------------------------------------------------------- other bugs from building Mesher
  {
    key: 'try-operator-result',
    title: '? operator in a function returning Result',
    kind: 'compiler',
    stage: 'llvm-verify',
    signaturePatterns: ['Function return type does not match operand type of return inst', 'ret ptr'],
    trigger: 'let x = g()? inside a function that returns T!E: the early return produced `ret ptr` where `{ i8, ptr }` was expected. In the April line these try-family programs crashed at run time for a while (March baselines).',
    workaround: 'Match the Result explicitly with case instead of using ?.',
    status: { february: 'fixed', april: 'open' },
    fixedIn: 'february 0d62f018 / e0daa42c (2026-02-14); april try-family runtime crashes in March, possibly repaired by M047/S06 (D296)',
    detection: {
      risky: '(try_expression) @risky',
    },
    probe: probe('try-operator-result'),
  },
  {
    key: 'case-binder-reuse',
    title: 'same binder name in two case expressions of one function',
    kind: 'compiler',
    stage: 'llvm-verify',
    signaturePatterns: ['Instruction does not dominate all uses'],
    trigger: 'Two case expressions in one fn that both bind the same name (e.g. Ok(s) in each): LLVM verification failed, and after a first fix the second case read a stale value or crashed.',
    workaround: 'Give every pattern binder in a function a unique name.',
    status: { february: 'fixed', april: 'fixed' },
    fixedIn: 'february 0d62f018 (2026-02-14)',
    detection: {
      risky: '(function_definition) @risky',
    },
    probe: probe('case-binder-reuse'),
  },
  {
    key: 'trailing-closure-head',
    title: 'if/case/while/for head ending in a call is read as a trailing closure',
    kind: 'compiler',
    stage: 'parse',
    signaturePatterns: ['expected DO_KW', 'expected `end` to close `do` block'],
    trigger: 'A control-flow head whose last token is the ) of a call, e.g. if List.contains(xs, x) do or case List.find(...) do: older parsers attach the do to the call as a trailing closure.',
    workaround: 'Bind the call first (let ok = List.contains(xs, x)) and use the variable in the head.',
    status: { february: 'open', april: 'fixed' },
    fixedIn: 'april M031/S01 (2026-03-24, decision D027: trailing closures suppressed in control-flow heads)',
    detection: {
      risky: anyOf(
        '(if_expression condition: (_) @risky)',
        '(case_expression subject: (_) @risky)',
        '(while_expression condition: (_) @risky)',
        '(for_expression iterable: (_) @risky)',
      ),
    },
    probe: probe('trailing-closure-head'),
  },
  {
    key: 'multi-statement-case-arm',
    title: 'case arm with several statements',
    kind: 'compiler',
    stage: 'parse',
    signaturePatterns: ['expected expression'],
    trigger: 'A case arm that needs more than one statement. Arms are a single expression on the -> line; april accepts -> do ... end, february does not, and a bare multi-line arm is invalid in both.',
    workaround: 'Extract the arm body into a helper function (february), or use -> do ... end (april).',
    status: { february: 'open', april: 'fixed' },
    fixedIn: 'april (-> do ... end arm bodies)',
    detection: {
      risky: '(arm body: (do_block) @risky)',
    },
    probe: probe('multi-statement-case-arm'),
  },
  {
    key: 'nested-and',
    title: 'nested or chained && / and outside the entry block',
    kind: 'compiler',
    stage: 'llvm-verify',
    signaturePatterns: ['PHI node entries do not match predecessors', '%and_result = phi i1'],
    trigger: 'a && (b && c), a && b && c, or any && / and evaluated outside the function entry block (inside an if/case/while/for body, after earlier control flow): the phi names the entry block as its left predecessor.',
    workaround: 'A helper fn both(a :: Bool, b :: Bool) -> Bool do if a do b else false end end, or nested ifs.',
    status: { february: 'open', april: 'open' },
    detection: {
      risky: '(binary_expression operator: ["&&" "and"]) @risky',
    },
    probe: probe('nested-and'),
  },
  {
    key: 'unresolved-tyvar-unit',
    title: 'unresolved type variable lowered to Unit ({})',
    kind: 'compiler',
    stage: 'runtime-crash',
    signaturePatterns: ['call \\{\\} @', 'ret \\{\\} zeroinitializer', 'misaligned pointer dereference', SIGNAL_CRASH],
    trigger: 'A function whose parameters and return are unannotated and whose body does not pin them (typically a thin wrapper over Map.get/List.get): the unresolved type variable lowers to {} and the result is dropped or passed on as null.',
    workaround: 'Annotate parameters and return types of helpers, especially around Map.get/List.get.',
    status: { february: 'open', april: 'open' },
    fixedIn: 'partly: february d1826938 (callee declared return type), april M031/M032 (else-if chains, multi-line call args, inferred exports)',
    detection: {
      risky: '(function_definition parameters: (parameters (parameter))) @risky',
    },
    probe: probe('unresolved-tyvar-unit'),
  },
  {
    key: 'cross-module-poly-export',
    title: 'exported function with no annotations used at two types from another module',
    kind: 'compiler',
    stage: 'llvm-verify',
    signaturePatterns: ['Call parameter type does not match function signature', 'index out of bounds'],
    trigger: 'pub fn id(x) do x end imported elsewhere and called at two types: first a type-checker panic, after 07a0372f an LLVM verify error (call {} @identity(i64 7)).',
    workaround: 'Annotate the exported function, or keep it local to the module that uses it.',
    status: { february: 'open', april: 'fixed' },
    fixedIn: 'panic fixed february 07a0372f (2026-02-14); codegen error fixed april M032/S02 (2026-03-24, D049)',
    detection: {
      risky: '(function_definition visibility: (visibility) parameters: (parameters (parameter))) @risky',
    },
    probe: probe('cross-module-poly-export'),
  },
  {
    key: 'service-export',
    title: 'services imported from another module',
    kind: 'compiler',
    stage: 'typecheck',
    signaturePatterns: ['E0034', 'import.*not found', 'ImportNameNotFound'],
    trigger: 'from Services.X import XService: services were not exported across modules.',
    workaround: 'Define services in main.mpl.',
    status: { february: 'fixed', april: 'fixed' },
    fixedIn: 'february 1e134c71 (2026-02-14)',
    detection: {
      risky: '(from_import names: (import_list (identifier) @risky))',
    },
    probe: probe('service-export'),
  },
  {
    key: 'service-struct-state',
    title: 'service state, params or reply treated as i64',
    kind: 'compiler',
    stage: 'runtime-crash',
    signaturePatterns: ['Call parameter type does not match function signature', SIGNAL_CRASH],
    trigger: 'A service whose state is a multi-field struct, or whose call handler replies Bool, a Result or a struct: LLVM verify errors, SIGBUS at start, truncated tuples, or a wrong Bool reply.',
    workaround: 'None practical in february; keep service state and replies to Int/String where possible.',
    status: { february: 'open', april: 'fixed' },
    fixedIn: 'partly february 7f429957, e7a3277e, a3e1a8f9 (02-15/02-16); april M021/S10 (2026-02-25, tuples as heap pointers)',
    detection: {
      risky: '(service_definition) @risky',
    },
    probe: probe('service-struct-state'),
  },
  {
    key: 'service-branch-tuples',
    title: 'service call handler branching between two (state, reply) tuples',
    kind: 'compiler',
    stage: 'wrong-output',
    signaturePatterns: ['\\b429\\b', 'first call'],
    trigger: 'A call handler whose tail is if/case with a tuple literal in two or more branches, e.g. if c do (s, false) else (s2, true) end: the first call returns the wrong reply (a rate limiter answering 429 on its first request).',
    workaround: 'Compute the branch values first (let next = if ... ; let ok = if ...) and end the handler with one tuple (next, ok).',
    status: { february: 'open', april: 'open' },
    fixedIn: 'not fixed; april applies the app-level workaround (M033/S01/T03)',
    detection: {
      risky: '(call_handler body: (block)) @risky',
    },
    probe: probe('service-branch-tuples'),
  },
  {
    key: 'struct-in-result',
    title: 'multi-field struct inside Result/Option',
    kind: 'compiler',
    stage: 'runtime-crash',
    signaturePatterns: [SIGNAL_CRASH],
    trigger: 'Ok(Point { x: 1, y: 2 }) returned and matched: the payload overflowed the { i8, ptr } slot.',
    workaround: 'Return a String id (or a single scalar) instead of the struct.',
    status: { february: 'fixed', april: 'fixed' },
    fixedIn: 'february a3e1a8f9 (2026-02-16); scalar-payload sibling april M047/S06 (D296)',
    detection: {
      risky: '((call_expression function: (identifier) @ctor arguments: (arguments (struct_literal))) @risky (#match? @ctor "^(Ok|Err|Some)$"))',
    },
    probe: probe('struct-in-result'),
  },
  {
    key: 'struct-layout',
    title: 'struct sizes computed with the wrong data layout',
    kind: 'compiler',
    stage: 'runtime-crash',
    signaturePatterns: ['SIGBUS', 'Bus error'],
    trigger: 'A large service state struct (many mixed fields): SIGBUS on arm64 about 10 s after start or on the first request.',
    workaround: 'None needed after the fix.',
    status: { february: 'fixed', april: 'fixed' },
    fixedIn: 'february b717c48e and 089ff3d3 (2026-02-15)',
    detection: {
      risky: '(service_definition) @risky',
    },
    probe: probe('struct-layout'),
  },
  {
    key: 'actor-params',
    title: 'actors with parameters received the raw argument buffer',
    kind: 'compiler',
    stage: 'runtime-crash',
    signaturePatterns: [SIGNAL_CRASH],
    trigger: 'actor a(pool) do ... end started with spawn(a, pool): the body saw the argument-buffer pointer instead of the arguments.',
    workaround: 'None needed after the fix.',
    status: { february: 'fixed', april: 'fixed' },
    fixedIn: 'february 2e488c8b / 718ab9f2 (2026-02-15)',
    detection: {
      risky: '(actor_definition parameters: (parameters (parameter))) @risky',
    },
    probe: probe('actor-params'),
  },
  {
    key: 'actor-stack-size',
    title: 'coroutine stack overflow (64 KiB stacks, stale runtime library)',
    kind: 'compiler',
    stage: 'runtime-crash',
    signaturePatterns: [SIGNAL_CRASH],
    trigger: 'Deep non-tail recursion (or a deep native call such as PG SCRAM auth) inside an actor or request handler: 64 KiB coroutine stacks overflowed, hidden by a runtime library linked from another build profile.',
    workaround: 'Link the runtime from the same build profile as meshc; prefer tail recursion in actors.',
    status: { february: 'fixed', april: 'fixed' },
    fixedIn: 'february 7db7b494 (2026-02-15, same-profile runtime, 512 KiB stacks)',
    detection: {
      risky: '(function_definition) @risky',
    },
    probe: probe('actor-stack-size'),
  },
  {
    key: 'closure-route-handler',
    title: 'HTTP route handler written as a closure',
    kind: 'compiler',
    stage: 'runtime-crash',
    signaturePatterns: ['Empty reply from server', 'handler_env', SIGNAL_CRASH],
    trigger: 'HTTP.route(r, "/", fn(req) -> ... end) (or on_get/on_post/...): it builds, but the router stores a null closure environment and the first live request crashes or gets an empty reply.',
    workaround: 'Use top-level named functions as handlers (plus a registry service for shared state).',
    status: { february: 'open', april: 'open' },
    detection: {
      risky: qualifiedCall('HTTP', 'route|on_get|on_post|on_put|on_delete', 'risky', { nameIsPattern: true, args: '(closure)' }),
      workaround: qualifiedCall('HTTP', 'route|on_get|on_post|on_put|on_delete', 'workaround', { nameIsPattern: true, args: '(identifier) .' }),
    },
    probe: probe('closure-route-handler'),
  },
  {
    key: 'panic-aborts-process',
    title: 'a panic in one actor aborts the whole process',
    kind: 'compiler',
    stage: 'runtime-panic',
    signaturePatterns: ['panic in a function that cannot unwind', 'failed to initiate panic', 'non-unwinding panic'],
    trigger: 'A runtime panic (non-exhaustive match, List.head([]), List.get out of range, Queue.pop on empty) inside any actor: unwinding cannot cross the extern "C" runtime frame, so the process aborts with SIGABRT and supervisors never see it.',
    workaround: 'Guard partial calls (check List.length before List.head), add catch-all arms, and use cooperative exits under a supervisor.',
    status: { february: 'open', april: 'open' },
    detection: {
      risky: qualifiedCall('List|Queue', 'head|tail|last|get|nth|pop|peek', 'risky', { nameIsPattern: true }),
    },
    probe: probe('panic-aborts-process'),
  },
  {
    key: 'forward-reference',
    title: 'calling a function defined later in the file',
    kind: 'compiler',
    stage: 'typecheck',
    signaturePatterns: ['undefined variable', 'unbound variable'],
    trigger: 'fn a() do b() end followed by fn b() ...: the february type checker does not pre-register top-level function names.',
    workaround: 'Define leaf functions before their callers.',
    status: { february: 'open', april: 'fixed' },
    fixedIn: 'april (top-level fn names pre-registered; source reading)',
    detection: {
      risky: '((call_expression function: (identifier) @callee) @risky)',
    },
    probe: probe('forward-reference'),
  },
  {
    key: 'map-get-interpolation',
    title: 'Map.get values used directly in interpolation or JSON',
    kind: 'compiler',
    stage: 'wrong-output',
    signaturePatterns: ['Map\\.get', 'pointer value', 'blank field'],
    trigger: '"${Map.get(row, "label")}" on database rows and similar maps: fields come out blank, as numbers where strings belong, or as raw pointer values.',
    workaround: 'Go through a typed struct (from_row / Json.get + Json.encode), or bind the value with an annotated let first.',
    status: { february: 'open', april: 'open' },
    detection: {
      risky: `(interpolation expression: ${qualifiedCall('Map', 'get', 'risky')})`,
    },
    probe: probe('map-get-interpolation'),
  },
  {
    key: 'cross-module-from-json',
    title: 'from_json / from_row / to_json on a struct imported from another module',
    kind: 'compiler',
    stage: 'typecheck',
    signaturePatterns: ['no trait impl providing (from_json|from_row|to_json)', 'has no trait impl'],
    trigger: 'User.from_json(s) where User derives Json in another module: "type X has no trait impl providing from_json", and Json.encode gave null.',
    workaround: 'Define the deriving struct in the module that decodes it.',
    status: { february: 'fixed', april: 'fixed' },
    fixedIn: 'february 5af70a5f (2026-02-16)',
    detection: {
      risky: '((call_expression function: (field_access object: (identifier) @type field: (identifier) @method)) @risky (#match? @method "^(from_json|from_row|to_json)$"))',
    },
    probe: probe('cross-module-from-json'),
  },
  {
    key: 'formatter-damage',
    title: 'meshc fmt damages some declarations',
    kind: 'compiler',
    stage: 'parse',
    signaturePatterns: ['pubtype', 'Storage\\. Schema', 'table"'],
    trigger: 'Running meshc fmt on files with multi-line parenthesised import lists, pub type aliases, qualified paths or struct schema options: it collapses imports and emits pubtype, "Storage. Schema", table"x".',
    workaround: 'Do not run meshc fmt on those files (or check its output parses before committing).',
    status: { february: 'not-applicable', april: 'open' },
    fixedIn: 'partly in april (M029, D032)',
    detection: {
      risky: anyOf('(from_import) @risky', '(type_alias visibility: (visibility)) @risky'),
    },
    probe: probe('formatter-damage'),
  },
];

/** The catalog entry for key, or undefined. */
export function findGap(key: string, catalog: readonly KnownGap[] = GAP_CATALOG): KnownGap | undefined {
  return catalog.find((gap) => gap.key === key);
}

/** True when the gap is open in at least one of the dialects given. */
export function isOpenIn(gap: KnownGap, dialects: readonly ('february' | 'april')[]): boolean {
  return dialects.some((d) => gap.status[d] === 'open');
}
