/**
 * Schema evolution as a builder (spec §Schema Evolution): record operations, then `commit()`
 * applies them to the current schema with the pure functions of `spec/schema-evolution.ts`, adds
 * the result as a new schema (or re-selects an identical earlier one) and makes it current.
 *
 * The commit requires that the current schema is still the one the update started from
 * (`assert-current-schema-id`): a concurrent schema change fails it (spec/commit-protocol.md
 * §C7) rather than silently merging two evolutions.
 *
 * @module
 */
import {
  type AddColumn,
  type MovePosition,
  type SchemaState,
  addColumn,
  dropColumn,
  makeOptional,
  moveColumn,
  renameColumn,
  setIdentifierFields,
  updateColumnDoc,
  widenColumn,
} from '../spec/index.js';
import { checkSchemaCompatibility, sameType } from '../spec/index.js';
import type { TableMetadata } from '../spec/index.js';
import type { IcebergType, PrimitiveType, Schema } from '../spec/index.js';
import type { Literal } from '../spec/index.js';
import { currentSchema } from './metadata-access.js';
import { metadataChange } from './metadata-change.js';
import type { TableUpdate } from './updates.js';
import { sameSchemaFields } from './apply-updates.js';

/** What a schema update needs from its table. */
export interface SchemaUpdateHost {
  /** The metadata the update starts from. */
  metadata(): TableMetadata;
  /** Commits a change built from each fresh base. */
  commit<R>(prepare: () => ReturnType<typeof metadataChange<R>>): Promise<R>;
}

/** Options of {@link SchemaUpdate.addColumn}. */
export interface AddColumnOptions {
  /** Whether values are required (needs `initialDefault`). */
  readonly required?: boolean;
  /** Documentation. */
  readonly doc?: string;
  /** What rows written before the column existed read as. */
  readonly initialDefault?: Literal;
  /** What writers use when they omit the column. */
  readonly writeDefault?: Literal;
}

type Op = (s: SchemaState) => SchemaState;

/**
 * A pending schema change: chain operations, then `commit()`. Column names are full dotted names
 * for nested fields (`address.city`).
 */
export class SchemaUpdate {
  private readonly ops: Op[] = [];
  private readonly startSchemaId: number;

  /** @param host the table */
  constructor(private readonly host: SchemaUpdateHost) {
    this.startSchemaId = host.metadata().currentSchemaId;
  }

  /**
   * Adds a column; `name` may be dotted to add inside a struct (`'address.zip'`).
   * @param type an Iceberg type or its text (`'double'`, `'decimal(10,2)'`, `'list<float>'`)
   */
  addColumn(name: string, type: IcebergType | string, options: AddColumnOptions = {}): this {
    const dot = name.lastIndexOf('.');
    const column: AddColumn = {
      name: dot < 0 ? name : name.slice(dot + 1),
      type,
      ...(dot < 0 ? {} : { parent: name.slice(0, dot) }),
      ...options,
    };
    this.ops.push((s) => addColumn(s, column));
    return this;
  }

  /** Drops a column (its id is retired, never reused). */
  dropColumn(name: string): this {
    this.ops.push((s) => dropColumn(s, name));
    return this;
  }

  /** Renames a column; its data stays (columns are found by field id). */
  renameColumn(name: string, newName: string): this {
    this.ops.push((s) => renameColumn(s, name, newName));
    return this;
  }

  /** Moves a column to the front of its struct. */
  moveFirst(name: string): this {
    return this.move(name, { kind: 'first' });
  }

  /** Moves a column just before a sibling. */
  moveBefore(name: string, other: string): this {
    return this.move(name, { kind: 'before', column: other });
  }

  /** Moves a column just after a sibling. */
  moveAfter(name: string, other: string): this {
    return this.move(name, { kind: 'after', column: other });
  }

  private move(name: string, to: MovePosition): this {
    this.ops.push((s) => moveColumn(s, name, to));
    return this;
  }

  /** Widens a column's type: int → long, float → double, decimal(P,S) → decimal(P',S) with P' ≥ P. */
  widenColumn(name: string, type: PrimitiveType | string): this {
    this.ops.push((s) => widenColumn(s, name, type));
    return this;
  }

  /** Makes a required column optional. */
  makeOptional(name: string): this {
    this.ops.push((s) => makeOptional(s, name));
    return this;
  }

  /** Sets or clears a column's documentation. */
  updateDoc(name: string, doc: string | undefined): this {
    this.ops.push((s) => updateColumnDoc(s, name, doc));
    return this;
  }

  /** Sets the identifier fields (row keys) by name. */
  setIdentifierFields(names: readonly string[]): this {
    this.ops.push((s) => setIdentifierFields(s, names));
    return this;
  }

  /** Applies the operations to a base's current schema (no IO). */
  apply(base: TableMetadata): SchemaState {
    let state: SchemaState = { schema: currentSchema(base), lastColumnId: base.lastColumnId };
    for (const op of this.ops) state = op(state);
    return state;
  }

  /**
   * Commits the new schema and makes it current.
   * @throws InvalidArgumentError when an operation does not apply (unknown column, illegal promotion, …)
   *   or the schema needs a later format version (a v3 type, a non-null initial default on v1/v2)
   * @throws CommitConflictError when the schema changed concurrently
   */
  commit(): Promise<Schema> {
    return this.host.commit(() =>
      metadataChange((base) => {
        const { schema, lastColumnId } = this.apply(base.metadata);
        checkSchemaCompatibility(schema, base.metadata.formatVersion);
        const existing = base.metadata.schemas.find((s) => sameSchemaFields(s, schema));
        const schemaId = existing?.schemaId ?? Math.max(...base.metadata.schemas.map((s) => s.schemaId)) + 1;
        const next: Schema = { ...schema, schemaId };
        const updates: TableUpdate[] = existing
          ? [{ action: 'set-current-schema', schemaId }]
          : [
              { action: 'add-schema', schema: next, lastColumnId },
              { action: 'set-current-schema', schemaId },
            ];
        return { requirements: [{ type: 'assert-current-schema-id', currentSchemaId: this.startSchemaId }], updates, result: next };
      }),
    );
  }
}
