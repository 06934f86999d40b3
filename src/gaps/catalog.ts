import type { GapVerification, KnownGap } from '../types/index.js';
import { anyOf, qualifiedCall } from './queries.js';

/**
 * The known-gap catalog as data: the twelve gaps Mesh developers hit while writing Mesher
 * and the other compiler/runtime bugs recorded while building it, plus the compiler bugs
 * found by running both real compilers on the probes. Statuses are per snapshot HEAD
 * ("february" = snowdamiz c8728bd2, "april" = hyperpush-org 5bc8e7fa) and measured: each
 * compiler gap's `verified` says what the probe did with a meshc built from that snapshot
 * (x86-64 Linux, default --opt-level 0, as the gate runs it).
 *
 * Detection queries report the node captured as `@risky` / `@workaround`; shapes that a
 * query cannot express alone get a named predicate in predicates.ts (same gap key).
 * Compiler gaps carry a probe program (fixtures/mesh/gaps/<key>.mpl, header format in
 * docs/gaps.md); runtime design limits carry a measurement recipe instead.
 */

const probe = (key: string): string => `fixtures/mesh/gaps/${key}.mpl`;

const SIGNAL_CRASH = 'SIGSEGV|SIGBUS|Segmentation fault|Bus error';

/** Day both real compilers were run on every probe. */
const MEASURED = '2026-12-05';
const feb = (evidence: string): GapVerification => ({ snapshot: 'c8728bd2', date: MEASURED, evidence });
const apr = (evidence: string): GapVerification => ({ snapshot: '5bc8e7fa', date: MEASURED, evidence });
const PRINTS = 'the probe builds and prints the expected output';

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
    verified: {
      february: feb(`${PRINTS} (the probe keeps its answers independent of the predicate, see bool-closure-abi)`),
      april: apr(PRINTS),
    },
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
    verified: { february: feb(PRINTS), april: apr(PRINTS) },
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
    verified: { february: feb('parse error: expected expression (the line after a trailing |>)'), april: apr(PRINTS) },
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
      'Map.collect() whose String keys are computed inside Iter.map/Iter.enumerate, a direct Map.collect(it) call, an iterator bound with let and collected later, or Map.from_list with String keys. MIR lowering picks the int-keyed collect: equal strings become separate entries and Map.get misses (returning 0). Measured on both snapshots: Map.collect(Iter.from(pairs)), `it |> Map.collect()` after `let it = ...` and Map.from_list(pairs) give two entries for one key; keys built inside Iter.map crash with SIGSEGV; `pairs |> Iter.from() |> Map.collect()` works.',
    workaround:
      'Build the map by hand with Map.put starting from Map.new() (a fold or recursion), or make the pipe source a Map<String, _> or List<(String, _)>; check Map.has_key before Map.get.',
    status: { february: 'open', april: 'open' },
    fixedIn: 'partly: february df9a7d45 (pipe source Map/List of String tuples), april Phase 129 (Iter.zip sources); Iter.map keys, direct calls and Map.from_list still unhandled',
    verified: {
      february: feb('the probe prints "2 / missing": two entries for one String key, and the lookup misses'),
      april: apr('the probe prints "2 / missing": two entries for one String key, and the lookup misses'),
    },
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
    signaturePatterns: ['index out of bounds', 'TyVar.*(unresolved|out of bounds)'],
    trigger:
      'Calling .to_string() on a value produced by List/Map/Set/String.collect(): its element type is a free type variable and the method lookup panics inside the unification table (ena snapshot_vec index out of bounds; reproduced with the type checkers of both snapshots).',
    workaround: 'Format through interpolation ("${xs}") or use module functions such as List.length(xs).',
    status: { february: 'open', april: 'open' },
    verified: {
      february: feb('meshc panics (exit 101): index out of bounds in ena snapshot_vec'),
      april: apr('meshc panics (exit 101): index out of bounds in ena snapshot_vec'),
    },
    detection: {
      risky: '((call_expression function: (field_access field: (identifier) @method)) @risky (#eq? @method "to_string"))',
    },
    probe: probe('collect-to-string'),
  },
  {
    key: 'middleware-untyped-param',
    title: 'HTTP middleware or handler with unannotated parameters',
    kind: 'compiler',
    stage: 'runtime-crash',
    signaturePatterns: ['Call parameter type does not match function signature', SIGNAL_CRASH],
    trigger:
      'A function with an unannotated parameter passed by name to HTTP.use/route/on_get/on_post/on_put/on_delete (or as a Ws.serve callback) whose body never pins the parameter type, e.g. a pass-through middleware fn passthrough(req, next) do next(req) end. It generalizes to a type variable that lowers to {}: older builds failed LLVM verification; both snapshots build it, and the first live request then kills the server (February, SIGSEGV) or gets no reply (April).',
    workaround: 'Annotate: fn trace(req :: Request, next) -> Response do ... end (calling a Request.* accessor on the parameter also pins it).',
    status: { february: 'open', april: 'open' },
    fixedIn: 'partly in april (QUAL-02 call-site type recovery: it builds; the measured request still fails)',
    verified: {
      february: feb('the probe builds; its first request kills the server with SIGSEGV'),
      april: apr('the probe builds; its request gets no reply (prints "request failed") while the server keeps running'),
    },
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
    verified: {
      february: feb('the probe prints "0": the cast handler never ran'),
      april: apr('the probe prints "0": the cast handler never ran'),
    },
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
    verified: {
      february: feb('type error E0030: no method `group_by` on type `List`'),
      april: apr('type error E0030: no method `group_by` on type `List`'),
    },
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
    verified: { february: feb('parse error: expected ARROW'), april: apr('parse error: expected ARROW') },
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
    signaturePatterns: ['Function return type does not match operand type of return inst'],
    trigger: 'let x = g()? inside a function that returns T!E: the early return produced `ret ptr` where `{ i8, ptr }` was expected. In the April line these try-family programs crashed at run time for a while (March baselines).',
    workaround: 'Match the Result explicitly with case instead of using ?.',
    status: { february: 'fixed', april: 'fixed' },
    fixedIn: 'february 0d62f018 / e0daa42c (2026-02-14); the april try-family runtime crashes of March are gone at 5bc8e7fa (probably M047/S06, D296)',
    verified: {
      february: feb(PRINTS),
      april: apr(`${PRINTS}; the upstream try-family e2e programs (tests/e2e/try_*, from_try_*, tryfrom_*) also print what their tests expect`),
    },
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
    verified: { february: feb(PRINTS), april: apr(PRINTS) },
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
    verified: { february: feb('parse error: expected `end` to close `do` block'), april: apr(PRINTS) },
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
    verified: { february: feb('parse error: expected expression (at the -> do arm)'), april: apr(PRINTS) },
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
    signaturePatterns: ['PHI node entries do not match predecessors'],
    trigger: 'a && (b && c), a && b && c, or any && / and evaluated outside the function entry block (inside an if/case/while/for body, after earlier control flow): the phi names the entry block as its left predecessor.',
    workaround: 'A helper fn both(a :: Bool, b :: Bool) -> Bool do if a do b else false end end, or nested ifs.',
    status: { february: 'open', april: 'open' },
    verified: {
      february: feb('LLVM verification fails: PHI node entries do not match predecessors'),
      april: apr('LLVM verification fails: PHI node entries do not match predecessors'),
    },
    detection: {
      risky: '(binary_expression operator: ["&&" "and"]) @risky',
    },
    probe: probe('nested-and'),
  },
  {
    key: 'unresolved-tyvar-unit',
    title: 'unresolved type variable lowered to Unit ({})',
    kind: 'compiler',
    stage: 'llvm-verify',
    signaturePatterns: ['misaligned pointer dereference', SIGNAL_CRASH],
    trigger: 'A function whose parameters and return are unannotated and whose body does not pin them (typically a thin wrapper over Map.get/List.get): the unresolved type variable lowers to {} and the result is dropped or passed on as null, or the call fails LLVM verification (call {} @f(...)). April recovers the types from a concrete call site, so one such helper works there; a helper called from another unannotated helper still fails on both snapshots.',
    workaround: 'Annotate parameters and return types of helpers, especially around Map.get/List.get.',
    status: { february: 'open', april: 'open' },
    fixedIn: 'partly: february d1826938 (callee declared return type), april M031/M032 (else-if chains, multi-line call args, inferred exports)',
    verified: {
      february: feb('LLVM verification fails: call {} @Main__surname(...)'),
      april: apr('LLVM verification fails: call {} @Main__lookup(...) inside the outer unannotated helper'),
    },
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
    verified: { february: feb('LLVM verification fails: Call parameter type does not match function signature'), april: apr(PRINTS) },
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
    verified: { february: feb(PRINTS), april: apr(PRINTS) },
    detection: {
      risky: '(from_import names: (import_list (identifier) @risky))',
    },
    probe: probe('service-export'),
  },
  {
    key: 'service-struct-state',
    title: 'service state, params or reply treated as i64',
    kind: 'compiler',
    stage: 'llvm-verify',
    signaturePatterns: ['Call parameter type does not match function signature', SIGNAL_CRASH],
    trigger: 'A service whose state is a multi-field struct, whose handlers take non-Int arguments, or whose call handler replies Bool, a Result or a struct: LLVM verify errors, SIGBUS at start, truncated tuples, or a wrong Bool reply. At the february head Bool/Result/struct replies work; a Float handler argument is still passed as i64 and fails LLVM verification.',
    workaround: 'None practical in february; keep service state and replies to Int/String where possible.',
    status: { february: 'open', april: 'fixed' },
    fixedIn: 'partly february 7f429957, e7a3277e, a3e1a8f9 (02-15/02-16) and the reply-type change in c8728bd2; april M021/S10 (2026-02-25, tuples as heap pointers)',
    verified: {
      february: feb('LLVM verification fails: the Float cast argument is passed as i64 to a handler taking a double'),
      april: apr(PRINTS),
    },
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
    verified: {
      february: feb('the probe prints "no / no": the first call answers false'),
      april: apr('the probe prints "no / no": the first call answers false'),
    },
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
    verified: { february: feb(PRINTS), april: apr(PRINTS) },
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
    verified: { february: feb(`${PRINTS} (x86-64; the original SIGBUS was on arm64)`), april: apr(`${PRINTS} (x86-64)`) },
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
    verified: { february: feb(PRINTS), april: apr(PRINTS) },
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
    verified: { february: feb(PRINTS), april: apr(PRINTS) },
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
    verified: {
      february: feb('the probe builds; its first request kills the server with SIGSEGV'),
      april: apr('the probe builds; its first request kills the server with SIGSEGV'),
    },
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
    signaturePatterns: ['failed to initiate panic', 'non-unwinding panic'],
    trigger: 'A runtime panic (non-exhaustive match, List.head([]), List.get out of range, Queue.pop on empty) inside any actor: unwinding cannot cross the extern "C" runtime frame, so the process aborts with SIGABRT and supervisors never see it.',
    workaround: 'Guard partial calls (check List.length before List.head), add catch-all arms, and use cooperative exits under a supervisor.',
    status: { february: 'open', april: 'open' },
    verified: {
      february: feb('the process dies of SIGABRT: "mesh_list_head: empty list", then "panic in a function that cannot unwind"'),
      april: apr('the process dies of SIGABRT: "mesh_list_head: empty list", then "panic in a function that cannot unwind"'),
    },
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
    fixedIn: 'april (top-level fn names pre-registered)',
    verified: { february: feb('type error E0004: unbound variable `greeting`'), april: apr(PRINTS) },
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
    trigger: '"${Map.get(row, "label")}" where the map\'s value type is not known at that point, e.g. inside a function whose row parameter is unannotated (database rows in route code): fields come out blank, as numbers where strings belong, or as raw pointer values. Measured on both snapshots: a String value interpolated this way prints its address.',
    workaround: 'Go through a typed struct (from_row / Json.get + Json.encode), or annotate the map (row :: Map<String, String>) or bind the value with an annotated let first.',
    status: { february: 'open', april: 'open' },
    verified: {
      february: feb('the probe prints the String\'s address (label=94299886553904) instead of label=disk'),
      april: apr('the probe prints the String\'s address (label=94519951956784) instead of label=disk'),
    },
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
    verified: { february: feb(PRINTS), april: apr(PRINTS) },
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
    trigger: 'Running meshc fmt on files with multi-line parenthesised import lists, pub type aliases, qualified paths or struct schema options (it collapsed imports and emitted pubtype, "Storage. Schema", table"x"), or, in april, on a case arm with a -> do ... end body: it glues do and end to the arm\'s statements (dolet x = ..., ..."text"end) and the file no longer parses.',
    workaround: 'Do not run meshc fmt on those files (or check its output parses before committing).',
    status: { february: 'not-applicable', april: 'open' },
    fixedIn: 'partly in april (M029, D032: pub type, import lists, schema options)',
    verified: {
      february: feb('not run: the probe\'s -> do arm does not parse in february (gap multi-statement-case-arm); its formatter damage is gap formatter-child-spec'),
      april: apr('meshc fmt writes `_ -> dolet twice = ...` and `..."end`; the output fails to parse (expected ARROW, expected `end`)'),
    },
    detection: {
      risky: anyOf('(from_import) @risky', '(type_alias visibility: (visibility)) @risky', '(arm body: (do_block)) @risky'),
    },
    probe: probe('formatter-damage'),
  },
  // ---------------------------------------------------------------- found by running both real compilers
  {
    key: 'bool-closure-abi',
    title: 'Bool predicates passed to List.filter/find/any/all are misread on x86-64',
    kind: 'compiler',
    stage: 'wrong-output',
    signaturePatterns: ['mesh_list_(filter|find|any|all)'],
    trigger:
      'A closure or named function returning Bool passed to List.filter, List.find, List.any, List.all (also Iter/Range filter): the runtime calls it as a function returning a 64-bit word and tests the whole word, while the compiled function returns an LLVM i1, which on x86-64 sets only the low byte of the return register. The upper bytes keep whatever was there (for n > 5 at -O0, n - 6: all ones when n < 6), so false often reads as true: List.filter keeps everything, List.find returns the first element. Works by accident on arm64, where the comparison writes the whole register.',
    workaround:
      'Filter with a for comprehension, which the compiler evaluates inline: for x in xs when pred(x) do x end (List.length(...) > 0 for any, List.head of it for find after checking the length).',
    status: { february: 'open', april: 'open' },
    verified: {
      february: feb('the probe prints "kept 3" (at -O0 and -O2): every element passes n > 5'),
      april: apr('the probe prints "kept 3" (at -O0 and -O2): every element passes n > 5'),
    },
    detection: {
      risky: qualifiedCall('List|Iter|Range', 'filter|find|any|all', 'risky', { nameIsPattern: true }),
      workaround: '(for_expression filter: (_)) @workaround',
    },
    probe: probe('bool-closure-abi'),
  },
  {
    key: 'option-int-payload',
    title: 'Some(x) from List.find over Ints is read through a pointer (april)',
    kind: 'compiler',
    stage: 'runtime-crash',
    signaturePatterns: [SIGNAL_CRASH],
    trigger:
      'Matching Some(x) on an Option<Int> (or another scalar payload) built by the runtime, such as List.find on a List<Int>: april boxes scalar Option/Result payloads at construction and unboxes them in patterns (D296), but the runtime still stores the raw Int in the payload slot, so the match loads from an address like 7 and the program dies of SIGSEGV.',
    workaround: 'Search List<Int> values without List.find (a for comprehension with when, then List.length/List.head), or keep the Ints in a String or struct list.',
    status: { february: 'fixed', april: 'open' },
    fixedIn: 'february never had it: the boxing that breaks it came with april M047/S06 (D296)',
    verified: {
      february: feb(PRINTS),
      april: apr('the probe dies of SIGSEGV (at -O0 and -O2) when the Some(x) arm reads x'),
    },
    detection: {
      risky: qualifiedCall('List|Iter|Set|Range', 'find', 'risky', { nameIsPattern: true }),
    },
    probe: probe('option-int-payload'),
  },
  {
    key: 'iter-closure-param',
    title: 'unannotated closure parameter in an Iter pipeline lowers to Unit',
    kind: 'compiler',
    stage: 'codegen',
    signaturePatterns: ['Field access on non-struct type: Unit', "Undefined variable 'to_string'"],
    trigger:
      'A closure with an unannotated parameter passed to Iter.map/filter/... after Iter.from(xs), whose body does not pin the parameter\'s type: Iter.from erases the element type, so the parameter lowers to Unit. A field access (fn(v) -> v.path end) fails with "Field access on non-struct type: Unit", an interpolation ("/${p}") with "Undefined variable \'to_string\'". The same closure works with List.map.',
    workaround: 'Annotate the closure parameter (fn(v :: Visit) -> v.path end), or use List.map/List.filter on the list.',
    status: { february: 'open', april: 'open' },
    verified: {
      february: feb('code generation fails: Field access on non-struct type: Unit'),
      april: apr('code generation fails: Field access on non-struct type: Unit'),
    },
    detection: {
      // The closure clause is reported; a predicate keeps it only when a parameter has no type.
      risky:
        '((call_expression function: (field_access object: (identifier) @i_mod field: (identifier) @i_name) arguments: (arguments (closure (closure_clause) @risky))) (#eq? @i_mod "Iter") (#match? @i_name "^(map|filter|flat_map|each|find|any|all|reduce|take_while|skip_while)$"))',
    },
    probe: probe('iter-closure-param'),
  },
  {
    key: 'loop-let-stack',
    title: 'let inside a loop body grows the stack every iteration at --opt-level 0',
    kind: 'compiler',
    stage: 'runtime-crash',
    signaturePatterns: [SIGNAL_CRASH, 'stack overflow'],
    trigger:
      'A let inside a for or while body: its slot is an alloca in the loop block instead of the entry block, so at --opt-level 0 (meshc\'s default) the stack grows by 16 bytes per iteration and a long loop (about 500,000 iterations on an 8 MiB stack), or any endless loop such as while true do let idle = 0 end, dies of SIGSEGV. At --opt-level 2 LLVM promotes the slot and the loop runs (an endless one then spins).',
    workaround: 'Build with --opt-level 2, or move the loop body into a helper function (its allocas are freed on return) or compute the value inline without let.',
    status: { february: 'open', april: 'open' },
    verified: {
      february: feb('the probe dies of SIGSEGV at -O0 and prints 2000000 at -O2'),
      april: apr('the probe dies of SIGSEGV at -O0 and prints 2000000 at -O2'),
    },
    detection: {
      risky: anyOf('(for_expression body: (block (let_declaration) @risky))', '(while_expression body: (block (let_declaration) @risky))'),
    },
    probe: probe('loop-let-stack'),
  },
  {
    key: 'for-let-tail',
    title: 'for loop whose body ends with a let panics meshc',
    kind: 'compiler',
    stage: 'compiler-crash',
    signaturePatterns: ['expected the IntValue variant', 'convert_to_list_element'],
    trigger:
      'for x in xs do ... let y = ... end, with the let as the last statement: a for loop collects its body values into a list, the body value here is Unit, and code generation panics storing it ("Found StructValue ... but expected the IntValue variant", exit 101).',
    workaround: 'End the body with an expression (the bound name, or a call such as println).',
    status: { february: 'open', april: 'open' },
    verified: {
      february: feb('meshc panics (exit 101): Found StructValue(...) but expected the IntValue variant'),
      april: apr('meshc panics (exit 101): Found StructValue(...) but expected the IntValue variant'),
    },
    detection: {
      risky: '(for_expression body: (block (let_declaration) @risky .))',
    },
    probe: probe('for-let-tail'),
  },
  {
    key: 'string-ordering',
    title: 'ordering Strings (<, >, compare) fails in code generation, and so does a project without fn main',
    kind: 'compiler',
    stage: 'codegen',
    signaturePatterns: ['Unsupported binop type: String'],
    trigger:
      'a < b (or >, <=, >=, compare(a, b)) on two Strings: it type-checks, but code generation has no String ordering ("Unsupported binop type: String"). The same message is what a project whose main.mpl defines no fn main (or is empty) gets instead of a missing-main diagnostic: with no entry function nothing is pruned, and the synthetic Ord__compare__String (self < other) is compiled too.',
    workaround: 'Compare Strings some other way (String.length, equality, or sort keys kept as Ints); make sure main.mpl defines fn main().',
    status: { february: 'open', april: 'open' },
    verified: {
      february: feb('code generation fails: Unsupported binop type: String'),
      april: apr('code generation fails: Unsupported binop type: String'),
    },
    detection: {
      risky: anyOf(
        '(binary_expression left: (string) operator: ["<" ">" "<=" ">="]) @risky',
        '(binary_expression operator: ["<" ">" "<=" ">="] right: (string)) @risky',
        '((call_expression function: (identifier) @s_fn arguments: (arguments (string))) @risky (#eq? @s_fn "compare"))',
      ),
    },
    probe: probe('string-ordering'),
  },
  {
    key: 'formatter-child-spec',
    title: 'meshc fmt breaks supervisor child specs (february)',
    kind: 'compiler',
    stage: 'parse',
    signaturePatterns: ['unexpected `child\\w+` in supervisor body', 'expected `end` to close supervisor body'],
    trigger: 'Running meshc fmt on a supervisor with a child spec (child name do start: ... end): the february formatter glues the name to child (childonly do) and drops the start:/restart:/shutdown: keys, so the file no longer parses.',
    workaround: 'Do not run meshc fmt on files with supervisors (or check its output parses before committing).',
    status: { february: 'open', april: 'fixed' },
    fixedIn: 'april (the formatter walks CHILD_SPEC_DEF; its output, e.g. start: fn->spawn(w)end, still parses)',
    verified: {
      february: feb('meshc fmt writes `childonly do` and drops the start:/restart:/shutdown: keys; the output fails to parse (unexpected `childonly` in supervisor body)'),
      april: apr('the formatted probe builds and prints the expected output'),
    },
    detection: {
      risky: '(child_spec) @risky',
    },
    probe: probe('formatter-child-spec'),
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
