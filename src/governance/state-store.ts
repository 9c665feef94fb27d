/**
 * Where a warehouse's governance state lives: `_floe/governance/state.json`, one document changed
 * by compare-and-swap (commit/cas-document.ts) like the catalog's namespace documents, so two
 * servers on one warehouse never disagree and a change takes effect for every server at its next
 * read. Every change also leaves a record of who changed what, when, in
 * `_floe/governance/history/<version>.json` (spec/governance.md §G5). Secrets are never in either:
 * principals carry only hashes.
 *
 * @module
 */
import { type CasDocument, readCasDocument, updateCasDocument } from '../commit/index.js';
import { CorruptFileError } from '../errors.js';
import type { ObjectStore } from '../store/index.js';
import { parseJson, stringifyJson } from '../util/index.js';
import { type GovernanceState, GovernanceStateSchema, emptyGovernanceState } from './model.js';

/** Where governance keeps its state, under the warehouse root. */
export const GOVERNANCE_PREFIX = '_floe/governance';
const STATE_PATH = `${GOVERNANCE_PREFIX}/state.json`;

type StoredState = GovernanceState & CasDocument;

const codec = {
  decode(bytes: Uint8Array, path: string): StoredState {
    let json: unknown;
    try {
      json = parseJson(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch (e) {
      throw new CorruptFileError(path, 'governance state is not JSON', { cause: e });
    }
    const { writes, ...rest } = (json ?? {}) as { writes?: unknown };
    const r = GovernanceStateSchema.safeParse(rest);
    if (!r.success) throw new CorruptFileError(path, `governance state is malformed: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return { ...(r.data as GovernanceState), writes: Array.isArray(writes) ? writes.filter((w): w is string => typeof w === 'string') : [] };
  },
  encode(doc: StoredState): Uint8Array {
    return new TextEncoder().encode(stringifyJson(doc, 2));
  },
};

/** One recorded change to the governance state. */
export interface GovernanceChange {
  /** The principal who made it (its name), or `floe serve` for the bootstrap. */
  readonly by: string;
  /** What changed, for people (`grant READ on table ml.events to analysts`); never a secret. */
  readonly what: string;
}

/** Reads and changes the governance state of one warehouse. */
export class GovernanceStore {
  /** @param store the warehouse root store */
  constructor(private readonly store: ObjectStore) {}

  /** The current state (the empty state when the warehouse was never governed). */
  async read(): Promise<GovernanceState> {
    const found = await readCasDocument(this.store, STATE_PATH, codec);
    if (!found) return emptyGovernanceState();
    const { writes: _writes, ...state } = found.doc;
    return state;
  }

  /**
   * Applies a change by compare-and-swap and records it in the history.
   * @param change computes the next state from the current one (or throws to refuse)
   * @param describe who made it and what it was, from its result
   */
  async update<R>(change: (state: GovernanceState) => { state: GovernanceState; result: R } | Promise<{ state: GovernanceState; result: R }>, describe: (result: R) => GovernanceChange): Promise<R> {
    const { result, doc } = await updateCasDocument<StoredState, R>(this.store, STATE_PATH, {
      codec,
      absent: () => ({ ...emptyGovernanceState(), writes: [] }),
      change: async (current) => {
        const { writes, ...state } = current;
        const next = await change(state);
        return { doc: { ...next.state, version: state.version + 1, writes }, result: next.result };
      },
    });
    const record = { version: doc.version, atMs: Date.now(), ...describe(result) };
    const name = String(doc.version).padStart(10, '0');
    // The history is a record for people; the state above is what counts, so a failed write
    // here (rare) loses one line of history, never a change.
    await this.store.put(`${GOVERNANCE_PREFIX}/history/${name}.json`, new TextEncoder().encode(stringifyJson(record)), { mode: { kind: 'overwrite' }, contentType: 'application/json' }).catch(() => undefined);
    return result;
  }

  /** The recorded changes, oldest first. */
  async history(): Promise<{ version: number; atMs: number; by: string; what: string }[]> {
    const out: { version: number; atMs: number; by: string; what: string }[] = [];
    for await (const meta of this.store.list(`${GOVERNANCE_PREFIX}/history/`)) {
      const { bytes } = await this.store.get(meta.path);
      const r = parseJson(new TextDecoder().decode(bytes)) as { version: number; atMs: number; by: string; what: string };
      out.push(r);
    }
    return out.sort((a, b) => a.version - b.version);
  }
}
