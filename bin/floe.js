#!/usr/bin/env node
// The `floe` command: a shim over the compiled CLI (`npm run build` makes dist/).
import('../dist/cli/main.js').catch((e) => {
  if (e && e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('dist/cli/main.js')) {
    process.stderr.write('floe: the CLI is not built: run `npm run build` first\n');
    process.exit(3);
  }
  throw e;
});
