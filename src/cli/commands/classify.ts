import type { Command } from 'commander';
import { printJson } from '../output.js';
import {
  BASELINE_ENV,
  DEFAULT_BUILD_TIMEOUT_MS,
  DEFAULT_RUN_TIMEOUT_MS,
  exitCodeFor,
  loadTarget,
  renderReport,
  reportToJson,
  resolveSetup,
  triage,
  type SetupFlags,
} from '../triage.js';
import type { SetExitCode } from './index.js';

interface ClassifyFlags extends SetupFlags {
  json?: boolean;
}

export function register(program: Command, setExitCode: SetExitCode): void {
  program
    .command('classify')
    .description('Build and run a Mesh program with meshc, sign the failure and say whether it is a compiler or an application bug, with the evidence')
    .argument('<path>', 'a Mesh file or a project directory')
    .option('--meshc <path>', 'meshc to use (default: $MESHC, then meshc on PATH)')
    .option('--baseline-meshc <path>', `a second meshc for the version differential (default: $${BASELINE_ENV})`)
    .option('--expect-output <file>', 'expected stdout of the program: a different stdout is a wrong-output symptom')
    .option('--timeout <ms>', `build timeout in milliseconds (default ${DEFAULT_BUILD_TIMEOUT_MS})`)
    .option('--run-timeout <ms>', `program run timeout in milliseconds (default ${DEFAULT_RUN_TIMEOUT_MS})`)
    .option('--meshc-json', "read meshc's --json diagnostics instead of its --no-color text")
    .option('--json', 'print one JSON document')
    .addHelpText('after', '\nExit codes: 0 no failure, 1 a failure was classified, 2 usage, 3 unusable input, 5 meshc missing or environment problem.')
    .action(async (path: string, flags: ClassifyFlags) => {
      const setup = await resolveSetup(flags);
      const report = await triage(await loadTarget(path), setup);
      if (flags.json) printJson(reportToJson(report));
      else process.stdout.write(`${renderReport(report)}\n`);
      setExitCode(exitCodeFor(report));
    });
}
