import { describeStoreConformance } from '../conformance/store.suite.js';
import { createTestBucket, s3Label } from '../support/s3-endpoint.js';

// A fresh bucket per check; without an S3 server createTestBucket throws the how-to and every
// check fails (never skipped).
describeStoreConformance(s3Label(), async () => {
  const b = await createTestBucket();
  return { store: b.store, cleanup: () => b.cleanup() };
});
