/**
 * The validator's reading of rest-catalog-open-api.yaml where the document, read literally as
 * JSON Schema, admits nothing (src/catalog/rest/server/openapi.ts module doc): planning results
 * told apart by `status`, typed values (`PrimitiveTypeValue`) in partitions, bounds and
 * filters, and null partition values — while what the document rules out stays refused.
 */
import { describe, expect, it } from 'vitest';
import { responseValidator } from './harness.js';
import { checkResponse } from '../../../src/catalog/rest/server/index.js';

const dataFile = (extra: Record<string, unknown> = {}) => ({
  content: 'data',
  'file-path': 's3://b/t/data/f.parquet',
  'file-format': 'parquet',
  'spec-id': 0,
  partition: ['ams', 20454, null, true, 1.5],
  'file-size-in-bytes': 10,
  'record-count': 1,
  ...extra,
});

describe('the REST document as the validator reads it', () => {
  it('accepts planning results the spec describes, with typed values and null partition values', async () => {
    const api = await responseValidator();
    const valid: [string, unknown][] = [
      ['planTableScan', { status: 'completed', 'plan-id': 'p', 'file-scan-tasks': [{ 'data-file': dataFile(), 'residual-filter': { type: 'gt', term: 'id', value: 5 } }] }],
      ['planTableScan', { status: 'completed', 'plan-id': 'p', 'plan-tasks': ['t1', 't2'] }],
      ['fetchPlanningResult', { status: 'completed', 'file-scan-tasks': [] }],
      ['fetchPlanningResult', { status: 'cancelled' }],
      ['fetchScanTasks', { 'file-scan-tasks': [{ 'data-file': dataFile({ 'lower-bounds': { keys: [1, 2], values: [5, 'x'] } }), 'residual-filter': { type: 'in', term: 'city', values: ['a', 'b'] } }] }],
      ['fetchScanTasks', { 'file-scan-tasks': [{ 'data-file': dataFile(), 'residual-filter': { type: 'and', left: { type: 'is-null', term: 'x' }, right: { type: 'not', child: { type: 'lt-eq', term: 'y', value: '12.50' } } } }] }],
    ];
    for (const [op, body] of valid) expect(checkResponse(api, op, 200, body), JSON.stringify(body)).toEqual({ valid: true, issues: [] });
  });

  it('still refuses what the document rules out', async () => {
    const api = await responseValidator();
    const invalid: [string, unknown][] = [
      ['planTableScan', { status: 'completed', 'plan-tasks': ['t'] }], // a completed plan carries its plan-id
      ['fetchScanTasks', { 'file-scan-tasks': [{ 'data-file': dataFile(), 'residual-filter': { type: 'eqq', term: 'id', value: 5 } }] }],
      ['fetchScanTasks', { 'file-scan-tasks': [{ 'data-file': dataFile({ partition: [{ a: 1 }] }) }] }],
      ['fetchScanTasks', { 'file-scan-tasks': [{ 'data-file': dataFile({ 'file-format': 'csv' }) }] }],
    ];
    for (const [op, body] of invalid) expect(checkResponse(api, op, 200, body).valid, JSON.stringify(body)).toBe(false);
  });
});
