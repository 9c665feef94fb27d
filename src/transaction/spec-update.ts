/**
 * Partition evolution (spec §Partition Evolution): a new spec becomes the default; files
 * written with older specs keep them and are never rewritten. Partition field ids of fields
 * equal to an earlier spec's (same source and transform) are reused, as v2 requires.
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { type PartitionField, type PartitionSpec, parsePartitionSpec } from '../spec/index.js';
import { sameTransform, transformToString } from '../spec/index.js';
import type { TableMetadata } from '../spec/index.js';
import { currentSchema, defaultSpec } from './metadata-access.js';
import { metadataChange } from './metadata-change.js';
import type { TableUpdate } from './updates.js';
import { sameSpecFields } from './apply-updates.js';

/** What a spec update needs from its table (kept narrow so the builder does not depend on the facade). */
export interface SpecUpdateHost {
  /** The metadata the update starts from. */
  metadata(): TableMetadata;
  /** Commits a change built from each fresh base. */
  commit<R>(prepare: () => ReturnType<typeof metadataChange<R>>): Promise<R>;
}

type SpecOp = { kind: 'add'; term: string } | { kind: 'remove'; name: string } | { kind: 'replace'; text: string };

/**
 * Builds a new default partition spec: `addField('day(ts)')`, `removeField('cat')`, or
 * `replace('day(ts), bucket(16, user_id)')`, then `commit()`.
 */
export class PartitionSpecUpdate {
  private readonly ops: SpecOp[] = [];

  /** @param host the table */
  constructor(private readonly host: SpecUpdateHost) {}

  /** Adds a partition field, e.g. `'bucket(16, user_id)'` or `'cat'`. */
  addField(term: string): this {
    this.ops.push({ kind: 'add', term });
    return this;
  }

  /** Removes the partition field with this name. */
  removeField(name: string): this {
    this.ops.push({ kind: 'remove', name });
    return this;
  }

  /** Replaces the whole spec (`''` for unpartitioned). */
  replace(text: string): this {
    this.ops.push({ kind: 'replace', text });
    return this;
  }

  /** Computes the new spec against a base (exported for tests through `commit`). */
  private apply(base: TableMetadata): { spec: PartitionSpec; lastPartitionId: number } {
    const schema = currentSchema(base);
    const specId = Math.max(...base.partitionSpecs.map((s) => s.specId)) + 1;
    let lastPartitionId = base.lastPartitionId;
    let fields: PartitionField[] = [...defaultSpec(base).fields];
    for (const op of this.ops) {
      if (op.kind === 'remove') {
        if (!fields.some((f) => f.name === op.name)) {
          throw new InvalidArgumentError(`partition spec has no field named ${op.name}`, { help: `fields are: ${fields.map((f) => f.name).join(', ') || '(none)'}` });
        }
        fields = fields.filter((f) => f.name !== op.name);
        continue;
      }
      const parsed = parsePartitionSpec(op.kind === 'add' ? op.term : op.text, schema, { specId, lastPartitionId });
      lastPartitionId = Math.max(lastPartitionId, ...parsed.fields.map((f) => f.fieldId));
      if (op.kind === 'replace') fields = [];
      for (const f of parsed.fields) {
        if (fields.some((g) => g.name === f.name || (g.sourceId === f.sourceId && sameTransform(g.transform, f.transform)))) {
          throw new InvalidArgumentError(`partition field ${f.name} (${transformToString(f.transform)}) is already in the spec`);
        }
        fields.push(f);
      }
    }
    // Reuse ids of equal fields from any earlier spec (spec §Partition Evolution, v2).
    const earlier = base.partitionSpecs.flatMap((s) => s.fields);
    fields = fields.map((f) => {
      const same = earlier.find((g) => g.sourceId === f.sourceId && sameTransform(g.transform, f.transform));
      return same ? { ...f, fieldId: same.fieldId } : f;
    });
    return { spec: { specId, fields }, lastPartitionId };
  }

  /**
   * Commits the new spec as the default.
   * @throws CommitConflictError when the default spec changed concurrently
   */
  commit(): Promise<PartitionSpec> {
    const startedFrom = this.host.metadata().defaultSpecId;
    return this.host.commit(() =>
      metadataChange((base) => {
        const { spec, lastPartitionId } = this.apply(base.metadata);
        const existing = base.metadata.partitionSpecs.find((s) => sameSpecFields(s, spec));
        const updates: TableUpdate[] = existing
          ? [{ action: 'set-default-spec', specId: existing.specId }]
          : [
              { action: 'add-spec', spec, lastPartitionId },
              { action: 'set-default-spec', specId: spec.specId },
            ];
        return { requirements: [{ type: 'assert-default-spec-id', defaultSpecId: startedFrom }], updates, result: existing ?? spec };
      }),
    );
  }
}
