/**
 * Compiles a source module and its relative imports to plain JavaScript in a temp folder, so
 * that tests can run real Floe code in child processes (Node 20 cannot run TypeScript), e.g. to
 * race several OS processes on one local-fs store. Type-only imports vanish; package imports
 * are left as they are (only `node:` builtins resolve from the temp folder).
 *
 * @module
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Transpiles `entry` (a path relative to the repository, e.g. `src/store/local-fs.ts`) and
 * everything it imports relatively into `outDir`, keeping the folder layout.
 * @returns the absolute path of the compiled entry (`.js`)
 */
export async function transpileForChildProcess(entry: string, outDir: string): Promise<string> {
  const seen = new Set<string>();
  const queue = [resolve(REPO_ROOT, entry)];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = await readFile(file, 'utf8');
    const out = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
      fileName: file,
    }).outputText;
    const target = join(outDir, relative(REPO_ROOT, file)).replace(/\.ts$/, '.js');
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, out);
    // Follow the relative imports that survived (type-only ones are gone from the output).
    for (const m of out.matchAll(/(?:from|import)\s*['"](\.{1,2}\/[^'"]+)\.js['"]/g)) {
      queue.push(resolve(dirname(file), `${m[1] as string}.ts`));
    }
  }
  return join(outDir, entry).replace(/\.ts$/, '.js');
}
