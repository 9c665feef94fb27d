/**
 * The layer rules of ARCHITECTURE.md / STYLE.md §4, checked on the import lines under src/:
 * which folder may import which, which packages each may use, that folders import each other
 * only through their index.ts, and that there are no cycles between folders.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(__dirname, '../src');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/**
 * The layer a file belongs to: its folder under src/, or the file name for top-level files; the
 * REST catalog's folders (`catalog/rest/wire`, `…/client`, `…/server`) are layers of their own,
 * since the server sits above the table API and the client below the warehouse.
 */
function layerOf(file: string): string {
  const rel = path.relative(SRC, file);
  const parts = rel.split(path.sep);
  if (parts[0] === 'catalog' && parts[1] === 'rest' && parts.length > 3) return `catalog/rest/${parts[2]}`;
  return parts.length > 1 ? parts[0]! : parts[0]!.replace(/\.ts$/, '');
}

interface Import {
  readonly from: string;
  readonly spec: string;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const out: Import[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)) out.push({ from: file, spec: m[1]! });
  for (const m of text.matchAll(/import\(\s*'([^']+)'\s*\)/g)) out.push({ from: file, spec: m[1]! });
  return out;
}

/** Layers each layer may import (besides itself). Leaves first. */
const ALLOWED_LAYERS: Record<string, readonly string[]> = {
  errors: [],
  util: ['errors'],
  store: ['errors', 'util'],
  spec: ['errors', 'util'],
  expr: ['errors', 'util', 'spec'],
  io: ['errors', 'util', 'spec'],
  manifest: ['errors', 'util', 'spec', 'store'],
  commit: ['errors', 'util', 'spec', 'store'],
  scan: ['errors', 'util', 'spec', 'store', 'expr', 'io', 'manifest'],
  transaction: ['errors', 'util', 'spec', 'store', 'expr', 'io', 'manifest', 'commit', 'scan'],
  // Compaction plans with scan/, sorts with expr/ and io/, and commits through transaction/.
  maintenance: ['errors', 'util', 'spec', 'store', 'expr', 'io', 'commit', 'scan', 'transaction'],
  table: ['errors', 'util', 'spec', 'store', 'expr', 'io', 'manifest', 'commit', 'scan', 'transaction', 'maintenance'],
  catalog: ['errors', 'util', 'spec', 'store', 'commit'],
  'catalog/rest/wire': ['errors', 'util', 'spec', 'transaction'],
  'catalog/rest/client': ['errors', 'util', 'spec', 'store', 'commit', 'transaction', 'catalog', 'catalog/rest/wire'],
  warehouse: ['errors', 'util', 'spec', 'store', 'expr', 'io', 'commit', 'transaction', 'catalog', 'catalog/rest/client', 'table'],
  // Governance decides who may do what; it knows names and objects, not the table API.
  governance: ['errors', 'util', 'store', 'commit'],
  'catalog/rest/server': ['errors', 'util', 'spec', 'store', 'expr', 'io', 'manifest', 'commit', 'scan', 'transaction', 'catalog', 'catalog/rest/wire', 'governance', 'table', 'warehouse'],
  ml: ['errors', 'util', 'spec', 'expr', 'index', 'table', 'warehouse', 'scan', 'io'],
  // The feature store sits on the table API and the ml layer; the registry documents go through the store seam.
  features: ['errors', 'util', 'spec', 'expr', 'index', 'table', 'warehouse', 'scan', 'io', 'store', 'commit', 'transaction', 'ml'],
  cli: ['errors', 'util', 'index', 'node'],
  index: ['*'],
  node: ['*'],
};

/**
 * Packages each layer may import. `node:*` builtins are listed explicitly. zod is allowed in every
 * layer that checks a caller's arguments at the public boundary.
 */
const ALLOWED_PACKAGES: Record<string, readonly string[]> = {
  errors: [],
  util: ['lossless-json', 'node:crypto'],
  // The SDK's own SigV4 and SHA-256 (@smithy/*), for remote signing.
  store: ['@aws-sdk/client-s3', '@smithy/core/checksum', '@smithy/core/protocols', '@smithy/signature-v4', 'p-limit', 'zod', 'node:fs', 'node:fs/promises', 'node:path', 'node:crypto', 'node:os', 'node:process', 'node:stream', 'node:timers/promises'],
  spec: ['zod', 'murmurhash3js-revisited'],
  expr: ['apache-arrow', 'zod'],
  // zod checks the shape of what users hand over at the write boundary (rows, foreign Arrow objects).
  // hyparquet's Thrift compact-protocol codec rewrites the footer parquet-wasm wrote (parquet-uuid.ts).
  io: ['apache-arrow', 'parquet-wasm', 'piscina', 'p-limit', 'hyparquet/src/thrift.js', 'hyparquet-writer/src/thrift.js', 'hyparquet-writer/src/bytewriter.js', 'node:module', 'node:worker_threads', 'node:os', 'node:url', 'zod',
    // Deletion vectors and Puffin files: CRoaring's portable 32-bit bitmaps, zstd blobs, CRC-32 and zstd writes.
    'roaring-wasm', 'fzstd', 'node:zlib'],
  manifest: ['avsc', 'node:zlib', 'p-limit'],
  commit: ['node:zlib', 'zod'],
  scan: ['apache-arrow', 'p-limit', 'zod'],
  transaction: ['apache-arrow', 'p-limit', 'zod'],
  maintenance: ['apache-arrow', 'p-limit', 'zod'],
  table: ['apache-arrow', 'zod'],
  catalog: ['zod'],
  'catalog/rest/wire': ['zod'],
  'catalog/rest/client': ['zod'],
  governance: ['jose', 'p-limit', 'zod', 'node:crypto'],
  'catalog/rest/server': ['fastify', 'openapi-backend', 'yaml', 'ajv-formats', 'zod', 'node:fs', 'node:url', 'node:crypto'],
  warehouse: ['apache-arrow', 'zod'],
  ml: ['apache-arrow', 'zod'],
  features: ['apache-arrow', 'zod', 'yaml', 'fast-json-stable-stringify'],
  cli: ['*'],
  index: [],
  node: ['node:path'],
};

// The online stores (features/online/) bring their clients: lmdb (the embedded store, a native
// addon loaded on first use), msgpackr (their value encoding) and node-redis.
ALLOWED_PACKAGES['features'] = [...(ALLOWED_PACKAGES['features'] ?? []), 'lmdb', 'msgpackr', '@redis/client'];
// Feature statistics keep their distinct counts as HyperLogLog sketches (features/stats-accumulator.ts).
ALLOWED_PACKAGES['features'] = [...ALLOWED_PACKAGES['features'], 'hyperlolo'];

const files = filesUnder(SRC);
const all = files.flatMap(importsOf);

function targetLayer(imp: Import): string | undefined {
  if (!imp.spec.startsWith('.')) return undefined;
  return layerOf(path.resolve(path.dirname(imp.from), imp.spec.replace(/\.js$/, '.ts')));
}

describe('architecture', () => {
  it('each layer imports only the layers below it', () => {
    const bad: string[] = [];
    for (const imp of all) {
      const from = layerOf(imp.from);
      const to = targetLayer(imp);
      if (to === undefined || to === from) continue;
      const allowed = ALLOWED_LAYERS[from];
      if (!allowed) bad.push(`${path.relative(SRC, imp.from)}: layer ${from} is not in the allow-list`);
      else if (!allowed.includes('*') && !allowed.includes(to)) bad.push(`${path.relative(SRC, imp.from)} imports ${imp.spec} (${from} → ${to})`);
    }
    expect(bad).toEqual([]);
  });

  it('each layer uses only its allowed packages (parquet-wasm only in io/parquet.ts, the AWS SDK and node:fs only in store/)', () => {
    const bad: string[] = [];
    for (const imp of all) {
      if (imp.spec.startsWith('.')) continue;
      const from = layerOf(imp.from);
      const allowed = ALLOWED_PACKAGES[from] ?? [];
      if (!allowed.includes('*') && !allowed.includes(imp.spec)) bad.push(`${path.relative(SRC, imp.from)} imports ${imp.spec}`);
      if (imp.spec === 'parquet-wasm' && !imp.from.endsWith(`io${path.sep}parquet.ts`) && !imp.from.includes(`io${path.sep}parquet-`)) bad.push(`${path.relative(SRC, imp.from)} imports parquet-wasm`);
    }
    expect(bad).toEqual([]);
  });

  it('folders import each other only through their index.ts', () => {
    const bad: string[] = [];
    for (const imp of all) {
      const from = layerOf(imp.from);
      const to = targetLayer(imp);
      if (to === undefined || to === from) continue;
      const target = path.resolve(path.dirname(imp.from), imp.spec);
      const isFolder = statSync(path.join(SRC, to), { throwIfNoEntry: false })?.isDirectory() ?? false;
      if (isFolder && path.basename(target) !== 'index.js') bad.push(`${path.relative(SRC, imp.from)} imports ${imp.spec}`);
    }
    expect(bad).toEqual([]);
  });

  it('has no import cycles between layers', () => {
    const edges = new Map<string, Set<string>>();
    for (const imp of all) {
      const from = layerOf(imp.from);
      const to = targetLayer(imp);
      if (to === undefined || to === from || from === 'index' || from === 'node') continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
    }
    const state = new Map<string, 'visiting' | 'done'>();
    const cycles: string[] = [];
    const visit = (n: string, trail: string[]): void => {
      if (state.get(n) === 'done') return;
      if (state.get(n) === 'visiting') {
        cycles.push([...trail, n].join(' → '));
        return;
      }
      state.set(n, 'visiting');
      for (const m of edges.get(n) ?? []) visit(m, [...trail, n]);
      state.set(n, 'done');
    };
    for (const n of edges.keys()) visit(n, []);
    expect(cycles).toEqual([]);
  });
});
