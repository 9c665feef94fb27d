/**
 * The decision refuses a masked reader every operation that hands out a table's files (file scan
 * tasks, storage credentials, signed storage requests: operations.ts marks them), whichever
 * endpoint serves them (spec/governance.md §G7), and allows its reads through the catalog.
 */
import { describe, expect, it } from 'vitest';
import { type Subject, authorize, requirementsOf } from '../../src/governance/index.js';

describe('the decision: raw file access for a masked reader', () => {
  it('is refused whatever operation asks (planning, credentials, signing reads and writes); reads through the catalog are allowed', () => {
    const on = { kind: 'table' as const, namespace: ['hr'], table: 'people' };
    const principal = { id: 'p', name: 'analyst', type: 'user' as const, clientId: 'c', secretHash: 'h', roles: ['analyst'], tokensValidAfterMs: 0, disabled: false, createdAtMs: 0, createdBy: 'test' };
    const grant = (privilege: 'READ' | 'WRITE', extra = {}) => ({ id: privilege, role: 'analyst', privilege, on, grantedBy: 'test', grantedAtMs: 0, ...extra });
    const state = { signingKeys: [], principals: { p: principal }, grants: [grant('READ', { columnMask: { drop: ['ssn'] } }), grant('WRITE')], allowAnonymous: false } as any;
    const subject: Subject = { principal };
    const target = { namespace: ['hr'], table: 'people' };
    for (const op of ['planTableScan', 'fetchPlanningResult', 'fetchScanTasks', 'loadCredentials', 'signRequest']) {
      for (const writes of [false, true]) {
        const reqs = requirementsOf(op, { ...target, writes })!;
        const d = reqs.map((r) => authorize(state, subject, r.privilege, r.on, { rawFiles: r.rawFiles ?? false }));
        expect(d.some((x) => !x.allowed && x.status === 403), `${op} writes=${writes}`).toBe(true);
      }
    }
    for (const op of ['loadTable', 'floeReadTable']) {
      const [r] = requirementsOf(op, target)!;
      expect(authorize(state, subject, r!.privilege, r!.on, { rawFiles: r!.rawFiles ?? false })).toMatchObject({ allowed: true, policy: { drop: ['ssn'] } });
    }
    // Without the mask, the same operations are allowed.
    const open = { ...state, grants: [grant('READ'), grant('WRITE')] };
    for (const op of ['planTableScan', 'signRequest']) {
      const [r] = requirementsOf(op, target)!;
      expect(authorize(open, subject, r!.privilege, r!.on, { rawFiles: true }).allowed).toBe(true);
    }
  });
});
