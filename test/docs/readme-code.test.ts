/**
 * The README's TypeScript code blocks compile against the package, in order, as one module (each
 * block may use what an earlier one defined): a renamed method, a changed option or a wrong
 * return shape in the README fails this test instead of a reader. Values a block only names
 * (`batchOrTable`, `labels`, …) are declared with the types a reader would hold.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');

/** The ```ts blocks of the README, in order. */
function readmeBlocks(): string[] {
  const text = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  return [...text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

// What the README's blocks take for granted: tables and data a reader already has.
const PRELUDE = `
import { Dataset, FeatureRegistry, VectorCache, asOfJoin, checkViewExpectations, featureStats, getHistoricalFeatures, numericColumn, vectorColumn } from 'floe';
declare const batchOrTable: import('apache-arrow').Table;
declare const items: import('floe').Table;
declare const features: import('floe').Table;
declare const query: Float32Array;
declare const todays: import('apache-arrow').Table;
declare const labels: import('apache-arrow').Table;
declare const pinnedId: bigint;
declare const weightBytes: Uint8Array;
declare const definitions: unknown[];
declare const entities: import('apache-arrow').Table;
`;

function diagnosticsOf(source: string): string[] {
  const configPath = path.join(ROOT, 'tsconfig.json');
  const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  // A virtual module in test/docs/ so that 'floe' resolves through the tsconfig paths.
  const file = path.join(ROOT, 'test', 'docs', '__readme_blocks__.ts');
  const host = ts.createCompilerHost(config.options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (f) => (path.resolve(f) === file ? source : readFile(f));
  host.fileExists = (f) => path.resolve(f) === file || fileExists(f);
  host.getSourceFile = (f, lang, ...rest) => (path.resolve(f) === file ? ts.createSourceFile(f, source, lang, true) : getSourceFile(f, lang, ...rest));
  const program = ts.createProgram({ rootNames: [file], options: { ...config.options, noEmit: true, noUnusedLocals: false }, host });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName && path.resolve(d.file.fileName) === file)
    .map((d) => {
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      return `line ${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')} — ${source.split('\n')[line]?.trim()}`;
    });
}

describe('README', () => {
  it('has TypeScript blocks that compile against the package, in order', () => {
    const blocks = readmeBlocks();
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    // Imports of the blocks go first (a module's imports may not follow statements in a reader's
    // eye, but TypeScript hoists them anyway); the rest runs in order.
    const lines = blocks.join('\n').split('\n');
    const imports = lines.filter((l) => /^import\s/.test(l));
    const body = lines.filter((l) => !/^import\s/.test(l));
    const source = [...imports, PRELUDE, ...body, 'export {};'].join('\n');
    expect(diagnosticsOf(source)).toEqual([]);
  }, 120_000);

  it('fails on a block that does not compile (the check is real)', () => {
    const source = [PRELUDE, "const wh = await (await import('floe')).Warehouse.open('memory://x');", 'await wh.createTabel("ml.x", {});', 'export {};'].join('\n');
    expect(diagnosticsOf(source).join('\n')).toMatch(/createTabel/);
  }, 120_000);
});
