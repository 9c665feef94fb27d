/**
 * The token endpoint's bound on secret verifications (spec/governance.md §G2): each is an scrypt
 * hash of 128 MiB that anyone may ask for, so at most `concurrency` run at once and `queue` wait;
 * beyond that a token request is answered at once with 503, `Retry-After` and the spec's
 * `OAuthError`. Verifications are held by hand (no timing): the gate is filled with tasks the
 * test releases.
 */
import { describe, expect, it } from 'vitest';
import { Warehouse, startRestCatalogServer } from '../../src/node.js';
import { StorageCatalog } from '../../src/catalog/index.js';
import { isFloeError } from '../../src/errors.js';
import { Governance, VerificationGate } from '../../src/governance/index.js';

const ADMIN = { clientId: 'floe-test-admin', clientSecret: 'admin-secret-token-limit-not-for-production' };

/** A task that runs until released, counting how many run at once. */
function heldTasks(): { task: () => Promise<void>; started: Promise<void>[]; release(i: number): void; readonly maxRunning: number } {
  let running = 0;
  let maxRunning = 0;
  const releases: (() => void)[] = [];
  const startedResolvers: (() => void)[] = [];
  const started = Array.from({ length: 16 }, () => new Promise<void>((resolve) => startedResolvers.push(resolve)));
  let n = 0;
  return {
    task: () =>
      new Promise<void>((resolve) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        releases.push(() => {
          running--;
          resolve();
        });
        startedResolvers[n++]!();
      }),
    started,
    release: (i) => releases[i]!(),
    get maxRunning() {
      return maxRunning;
    },
  };
}

describe('the bound on secret verifications', () => {
  it('runs at most `concurrency` at once, queues at most `queue`, and refuses the next at once', async () => {
    const gate = new VerificationGate({ concurrency: 2, queue: 2 });
    const held = heldTasks();
    const runs = [0, 1, 2, 3].map(() => gate.run(held.task));
    expect(gate.active + gate.queued).toBe(4);
    const refused = await gate.run(held.task).catch((e: unknown) => e);
    expect(isFloeError(refused, 'OVERLOADED')).toBe(true);
    expect((refused as Error).message).toMatch(/2 running, 2 waiting/);
    await Promise.all([held.started[0], held.started[1]]);
    expect([gate.active, gate.queued]).toEqual([2, 2]);
    // Each release lets one waiting verification start; never more than two run.
    for (let i = 0; i < 4; i++) {
      held.release(i);
      if (i + 2 < 4) await held.started[i + 2];
    }
    await Promise.all(runs);
    expect(held.maxRunning).toBe(2);
    expect([gate.active, gate.queued]).toEqual([0, 0]);
    expect(() => new VerificationGate({ concurrency: 0, queue: 1 })).toThrow(/concurrency ≥ 1/);
  });

  it('answers a token request beyond the bound with 503, Retry-After and an OAuthError, then serves it once a turn is free', async () => {
    const wh = await Warehouse.open(`memory://token-limit-${process.pid}`);
    const gate = new VerificationGate({ concurrency: 1, queue: 0 });
    const governance = new Governance((wh.catalog as StorageCatalog).root.store, { audience: wh.uri, verifications: gate });
    const invalid: string[] = [];
    const server = await startRestCatalogServer({ warehouse: wh, governance, admin: ADMIN, audit: false, onInvalidResponse: (op, status) => invalid.push(`${op} ${status}`) });
    const tokenRequest = (): Promise<Response> =>
      fetch(`${server.url}/v1/oauth/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: ADMIN.clientId, client_secret: ADMIN.clientSecret }),
      });
    try {
      const held = heldTasks();
      const busy = gate.run(held.task);
      await held.started[0];
      const refused = await tokenRequest();
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      const body = (await refused.json()) as { error: string; error_description: string };
      expect(body.error).toBe('invalid_request');
      expect(body.error_description).toMatch(/verifying as many client secrets as it takes at once/);
      held.release(0);
      await busy;
      const served = await tokenRequest();
      expect(served.status).toBe(200);
      expect(((await served.json()) as { access_token?: string }).access_token).toBeTruthy();
      expect(invalid).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
