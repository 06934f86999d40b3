import type { Command } from 'commander';
import { printJson } from '../output.js';
import {
  BASELINE_ENV,
  DEFAULT_BUILD_TIMEOUT_S,
  DEFAULT_RUN_TIMEOUT_S,
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
    .option('--timeout <seconds>', `build timeout in seconds, fractions allowed (default ${DEFAULT_BUILD_TIMEOUT_S})`)
    .option('--run-timeout <seconds>', `program run timeout in seconds, fractions allowed (default ${DEFAULT_RUN_TIMEOUT_S})`)
    .option('--meshc-json', "read meshc's --json diagnostics instead of its --no-color text")
    .option('--json', 'print one JSON document')
    .addHelpText('after', '\nExit codes: 0 no failure, 1 a failure was classified, 2 usage, 3 unusable input (missing, no Mesh files, a folder without main.mpl), 5 meshc missing or environment problem.')
    .action(async (path: string, flags: ClassifyFlags) => {
      // The input first: a wrong path or folder is an input error before meshc is even looked for.
      const target = await loadTarget(path, { buildable: true });
      const report = await triage(target, await resolveSetup(flags));
      if (flags.json) printJson(reportToJson(report));
      else process.stdout.write(`${renderReport(report)}\n`);
      setExitCode(exitCodeFor(report));
    });
}
