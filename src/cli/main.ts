/**
 * The `floe` executable's entry point (`bin/floe.js` imports the built file): runs the command
 * line and sets the exit code. Broken pipes (`floe scan … | head`) end the run quietly.
 *
 * @module
 */
import { runCli } from './program.js';

// The AWS SDK warns on every run under Node 20 that its 2027 releases will need Node 22: noise
// on a command's stderr, not something a `floe` user can act on. Other warnings still print.
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (w.name !== 'NodeVersionSupportWarning') process.stderr.write(`(node) ${w.name}: ${w.message}\n`);
});

process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

process.exitCode = await runCli(process.argv);
