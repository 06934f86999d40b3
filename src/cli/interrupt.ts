/**
 * Ctrl-C (and SIGTERM) for a command that must clean up: every signal lands here, so a
 * second one cannot kill the process half-way through stopping what it started. The first
 * prints `message` and aborts `signal`; `dispose` removes the handlers.
 */
export function interruptible(message: string): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (): void => {
    if (!controller.signal.aborted) process.stderr.write(`\ninterrupted: ${message}...\n`);
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    },
  };
}
