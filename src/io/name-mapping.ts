/**
 * The table property `schema.name-mapping.default` (spec §Column Projection, Appendix C "Name
 * Mapping Serialization"): fallback field ids for data files written without them (Hive and
 * other imported files), decoded into the `NameMapping` that `resolveBatch` and
 * `fileColumnsFor` take.
 *
 * @module
 */
import { ValidationError } from '../errors.js';
import { parseJson, type JsonValue } from '../util/index.js';
import type { MappedField, NameMapping } from './resolve.js';

/** The table property holding the default name mapping. */
export const NAME_MAPPING_PROPERTY = 'schema.name-mapping.default';

function invalid(path: string, message: string): never {
  throw new ValidationError(`name mapping ${path}: ${message}`, { context: { property: NAME_MAPPING_PROPERTY, path } });
}

function decodeFields(json: JsonValue, path: string): MappedField[] {
  if (!Array.isArray(json)) return invalid(path, 'must be a list of field mappings');
  return json.map((item, k) => {
    const at = `${path}[${k}]`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return invalid(at, 'must be an object');
    const names = item['names'];
    if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) return invalid(`${at}.names`, 'must be a list of strings');
    const id = item['field-id'];
    if (id !== undefined && !(typeof id === 'number' && Number.isSafeInteger(id)) && typeof id !== 'bigint') {
      return invalid(`${at}.field-id`, 'must be an integer');
    }
    const fields = item['fields'];
    return {
      names: names as string[],
      ...(id === undefined ? {} : { fieldId: Number(id) }),
      ...(fields === undefined || fields === null ? {} : { fields: decodeFields(fields, `${at}.fields`) }),
    };
  });
}

/**
 * Decode a name mapping from its JSON text (the value of `schema.name-mapping.default`).
 * @param text the property value
 * @throws {ValidationError} naming the JSON path of the first problem
 */
export function decodeNameMapping(text: string): NameMapping {
  let json: JsonValue;
  try {
    json = parseJson(text);
  } catch (e) {
    throw new ValidationError(`name mapping is not JSON: ${e instanceof Error ? e.message : String(e)}`, {
      context: { property: NAME_MAPPING_PROPERTY },
      cause: e,
    });
  }
  return decodeFields(json, '$');
}
