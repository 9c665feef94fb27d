import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// Table metadata holds int64 snapshot ids above 2^53, which `JSON.parse` silently rounds.
// Metadata must go through `parseJson` (src/util/json.ts, lossless-json). This test keeps it so.
const SRC = new URL('../../src/', import.meta.url).pathname;

/**
 * Files allowed to call `JSON.parse`, each with the reason. Keep it short: a new entry needs a
 * reason why no int64 from metadata can ever reach that call.
 */
const ALLOW_LIST: Readonly<Record<string, string>> = {
  // the local-fs backend's own lock file ({pid, host, token, createdMs}): written by Floe, never table metadata
  'store/fs-lock.ts': 'lock-file body written by the local-fs store itself; holds no int64 ids',
  // the REST server parses each body twice: losslessly for its handler (snapshot ids exact) and
  // with JSON.parse for the OpenAPI validator only, which checks shapes and never sees values used
  'catalog/rest/server/server.ts': 'a shape-only copy for OpenAPI validation; handlers get the lossless parse',
};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|js|mts|cts)$/.test(e.name)) out.push(p);
  }
  return out;
}

describe('no JSON.parse on metadata', () => {
  it('src/ calls JSON.parse only in allow-listed files', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const rel = relative(SRC, file);
      if (rel in ALLOW_LIST) continue;
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        // comments may name it (this very rule is documented in util/json.ts)
        const code = line.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, '');
        if (/\bJSON\s*\.\s*parse\s*\(/.test(code)) offenders.push(`src/${rel}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });

  it('the allow-list names only files that exist', () => {
    const files = new Set(sourceFiles(SRC).map((f) => relative(SRC, f)));
    for (const f of Object.keys(ALLOW_LIST)) expect(files.has(f), f).toBe(true);
  });
});
