import type { Command } from 'commander';
import { register as registerParse } from './parse.js';
import { register as registerClassify } from './classify.js';
import { register as registerRepro } from './repro.js';
import { register as registerReduce } from './reduce.js';
import { register as registerJournal } from './journal.js';
import { register as registerGaps } from './gaps.js';
import { register as registerGate } from './gate.js';
import { register as registerMesher } from './mesher.js';

/** Sets the process exit code for the command that ran. */
export type SetExitCode = (code: number) => void;

/**
 * Each command module exports `register(program, setExitCode)`.
 * Add new commands here, one line each.
 */
export function registerCommands(program: Command, setExitCode: SetExitCode): void {
  registerParse(program, setExitCode);
  registerClassify(program, setExitCode);
  registerRepro(program, setExitCode);
  registerReduce(program, setExitCode);
  registerJournal(program, setExitCode);
  registerGaps(program, setExitCode);
  registerGate(program, setExitCode);
  registerMesher(program, setExitCode);
  void program;
  void setExitCode;
}
