/**
 * The storage catalog's namespace and table lifecycle, and its typed errors.
 */
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { Warehouse } from 'floe';

const SCHEMA = new arrow.Schema([new arrow.Field('x', new arrow.Int32(), true)]);

describe('storage catalog', () => {
  it('creates, lists and drops nested namespaces and tables, with a code for each refusal', async () => {
    const wh = await Warehouse.open('memory://catalog-lifecycle');
    await wh.createNamespace('ml', { owner: 'team' });
    await expect(wh.createNamespace('ml')).rejects.toMatchObject({ code: 'NAMESPACE_ALREADY_EXISTS' });
    await expect(wh.createNamespace('nope.child')).rejects.toMatchObject({ code: 'NAMESPACE_NOT_FOUND' });
    await wh.createNamespace('ml.features');
    expect(await wh.listNamespaces()).toEqual(['ml']);
    expect(await wh.listNamespaces('ml')).toEqual(['ml.features']);
    expect(await wh.catalog.namespaceProperties('ml')).toEqual({ owner: 'team' });
    await wh.createTable('ml.a', SCHEMA);
    await wh.createTable('ml.features.b', SCHEMA);
    expect(await wh.listTables('ml')).toEqual(['ml.a']);
    expect(await wh.listTables('ml.features')).toEqual(['ml.features.b']);
    await expect(wh.dropNamespace('ml.features')).rejects.toMatchObject({ code: 'NAMESPACE_NOT_EMPTY' });
    await wh.dropTable('ml.features.b');
    expect(await wh.tableExists('ml.features.b')).toBe(false);
    await expect(wh.dropTable('ml.features.b')).rejects.toMatchObject({ code: 'TABLE_NOT_FOUND' });
    await wh.dropNamespace('ml.features');
    expect(await wh.namespaceExists('ml.features')).toBe(false);
    await expect(wh.dropNamespace('ml.features')).rejects.toMatchObject({ code: 'NAMESPACE_NOT_FOUND' });
    await expect(wh.listTables('ml.features')).rejects.toMatchObject({ code: 'NAMESPACE_NOT_FOUND' });
  });
});
