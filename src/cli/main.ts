/**
 * The `floe` executable's entry point (`bin/floe.js` imports the built file): runs the command
 * line and sets the exit code. Broken pipes (`floe scan … | head`) end the run quietly.
 *
 * @module
 */
import { runCli } from './program.js';

process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

process.exitCode = await runCli(process.argv);
