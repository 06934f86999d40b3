/**
 * Text shapes shared by meshc and compiled programs (both are Rust underneath):
 * panics, stack overflow, signals. Pure string parsing; never throws.
 */

export interface RustPanic {
  thread: string;
  /** `crates/mesh-codegen/src/codegen/expr.rs:812:31`, or '' when not printed. */
  location: string;
  /** The panic message (first line). */
  message: string;
  /** The whole panic block as printed. */
  block: string;
}

// Rust ≥ 1.73: `thread 'main' (12345) panicked at <loc>:` then the message on the next line(s).
const PANIC_NEW = /^thread '([^']*)'(?: \(\d+\))? panicked at (.+?):\s*$/;
// Older Rust: `thread 'main' panicked at 'message', src/file.rs:1:2`
const PANIC_OLD = /^thread '([^']*)'(?: \(\d+\))? panicked at '(.*)', (\S+)\s*$/;
const STACK_OVERFLOW = /^thread '([^']*)'(?: \(\d+\))? has overflowed its stack/;
const BLOCK_END = /^(note: |thread '|stack backtrace:|fatal runtime error|\s*$)/;

export function findRustPanics(text: string): RustPanic[] {
  const lines = text.split(/\r?\n/);
  const panics: RustPanic[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const old = PANIC_OLD.exec(line);
    if (old) {
      panics.push({ thread: old[1] ?? '', location: old[3] ?? '', message: old[2] ?? '', block: line });
      continue;
    }
    const modern = PANIC_NEW.exec(line);
    if (!modern) continue;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !BLOCK_END.test(lines[j] ?? '')) body.push(lines[j++] ?? '');
    panics.push({
      thread: modern[1] ?? '',
      location: modern[2] ?? '',
      message: body[0]?.trim() ?? '',
      block: [line, ...body].join('\n'),
    });
    i = j - 1;
  }
  return panics;
}

export function findStackOverflow(text: string): string | undefined {
  for (const line of text.split(/\r?\n/)) {
    const m = STACK_OVERFLOW.exec(line);
    if (m) return `thread '${m[1]}' has overflowed its stack`;
  }
  return undefined;
}

/** First line matching `re`, trimmed. */
export function firstLine(text: string, re: RegExp): string | undefined {
  for (const line of text.split(/\r?\n/)) if (re.test(line)) return line.trim();
  return undefined;
}

const SIGNALS_BY_SHELL_CODE: Record<number, string> = {
  132: 'SIGILL',
  134: 'SIGABRT',
  135: 'SIGBUS',
  136: 'SIGFPE',
  137: 'SIGKILL',
  138: 'SIGBUS', // macOS numbering (SIGBUS = 10)
  139: 'SIGSEGV',
  143: 'SIGTERM',
};

/**
 * The signal a process died of. Node reports `signal` with a null exit code; a wrapper
 * shell reports 128+n instead, which we map back so both look the same.
 */
export function deathSignal(exitCode: number | null, signal: string | null): string | undefined {
  if (signal) return signal;
  if (exitCode !== null) return SIGNALS_BY_SHELL_CODE[exitCode];
  return undefined;
}
