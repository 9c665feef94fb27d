/**
 * Child-process entry of every measurement:
 *
 *     node [flags] bench/lib/exec.js <module file> <export name> <args JSON> <result file>
 *
 * imports the module, awaits `export(args)`, and writes `{ ok: true, value }` (or
 * `{ ok: false, error }`) as JSON to the result file. Every measurement gets a fresh process so
 * that Floe (apache-arrow 21) and LanceDB (apache-arrow 18) never share one, and so one
 * workload's heap, caches and wasm instances never flatter or burden the next. Bare imports in
 * the module resolve from the module's own folder: `bench/peers/*.js` see `bench/peers/node_modules`.
 *
 * @module
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [file, name, argsJson, resultFile] = process.argv.slice(2);
if (!file || !name || argsJson === undefined || !resultFile) {
  console.error('usage: node bench/lib/exec.js <module> <export> <args JSON> <result file>');
  process.exit(2);
}

/** JSON with bigints as numbers (benchmark figures never need their exactness). */
function toJson(value) {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? Number(v) : v));
}

try {
  const mod = await import(pathToFileURL(file).href);
  const fn = mod[name];
  if (typeof fn !== 'function') throw new Error(`${file} exports no function ${name}`);
  const value = await fn(JSON.parse(argsJson));
  writeFileSync(resultFile, toJson({ ok: true, value }));
  process.exit(0);
} catch (e) {
  const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  writeFileSync(resultFile, toJson({ ok: false, error, stack: e instanceof Error ? e.stack : undefined }));
  process.exit(1);
}
