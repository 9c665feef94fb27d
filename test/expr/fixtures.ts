// Shared test schema for the expr tests.
import type { Schema } from '../../src/spec/types.js';

/** A schema with one column of every primitive type, a nested struct, a list and a map. */
export const SCHEMA: Schema = {
  schemaId: 1,
  fields: [
    { id: 1, name: 'id', required: true, type: { type: 'long' } },
    { id: 2, name: 'i', required: false, type: { type: 'int' } },
    { id: 3, name: 'f', required: false, type: { type: 'float' } },
    { id: 4, name: 'd', required: false, type: { type: 'double' } },
    { id: 5, name: 'dec', required: false, type: { type: 'decimal', precision: 9, scale: 2 } },
    { id: 6, name: 'day', required: false, type: { type: 'date' } },
    { id: 7, name: 'ts', required: false, type: { type: 'timestamp' } },
    { id: 8, name: 'tstz', required: false, type: { type: 'timestamptz' } },
    { id: 9, name: 's', required: false, type: { type: 'string' } },
    { id: 10, name: 'b', required: false, type: { type: 'boolean' } },
    { id: 11, name: 'u', required: false, type: { type: 'uuid' } },
    { id: 12, name: 'bin', required: false, type: { type: 'binary' } },
    { id: 13, name: 'fx', required: false, type: { type: 'fixed', length: 2 } },
    { id: 14, name: 't', required: false, type: { type: 'time' } },
    { id: 15, name: 'tsns', required: false, type: { type: 'timestamp_ns' } },
    {
      id: 20,
      name: 'address',
      required: false,
      type: {
        type: 'struct',
        fields: [
          { id: 21, name: 'city', required: true, type: { type: 'string' } },
          { id: 22, name: 'zip code', required: false, type: { type: 'int' } },
        ],
      },
    },
    { id: 30, name: 'tags', required: false, type: { type: 'list', elementId: 31, element: { type: 'string' }, elementRequired: true } },
    {
      id: 40,
      name: 'props',
      required: false,
      type: { type: 'map', keyId: 41, key: { type: 'string' }, valueId: 42, value: { type: 'string' }, valueRequired: false },
    },
    { id: 50, name: 'Breed Name', required: false, type: { type: 'string' } },
  ],
};
