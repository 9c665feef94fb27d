import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalFsStore } from '../../src/store/index.js';
import { describeStoreConformance } from '../conformance/store.suite.js';

describeStoreConformance('local-fs', async () => {
  const root = await mkdtemp(join(tmpdir(), 'floe-localfs-'));
  return { store: new LocalFsStore({ root }), cleanup: () => rm(root, { recursive: true, force: true }) };
});
