/**
 * What each REST operation requires (spec/governance.md §G4), in one table, as Polaris's
 * `PolarisAuthorizableOperation` lists the privileges of every operation: "what does endpoint X
 * need" is one lookup here, and the server asks it for every request before the handler runs.
 *
 * @module
 */
import type { Privilege, Securable } from './model.js';

/** What a request names, as far as authorization cares. */
export interface OperationTarget {
  /** The namespace in the path (or the `parent` of a listing). */
  readonly namespace?: readonly string[];
  /** The table in the path. */
  readonly table?: string;
  /** For a rename: the destination's namespace and name. */
  readonly destination?: { readonly namespace: readonly string[]; readonly table: string };
  /** For a commit: the kinds of its updates (`add-snapshot`, `set-properties`, …). */
  readonly updateActions?: readonly string[];
  /** For remote signing: whether the signed request writes. */
  readonly writes?: boolean;
  /** For a commit: whether it is a create transaction (its requirements hold `assert-create`). */
  readonly creates?: boolean;
  /** For a registration: whether it replaces a table bound to the name (`overwrite: true`). */
  readonly overwrite?: boolean;
}

/** One privilege needed on one object. */
export interface Requirement {
  /** The privilege. */
  readonly privilege: Privilege;
  /** On what. */
  readonly on: Securable;
  /**
   * The operation hands out the table's files themselves (file scan tasks naming them, storage
   * credentials, signed storage requests): refused to a principal whose `READ` there is masked,
   * since the files hold the unmasked values (spec/governance.md §G7).
   */
  readonly rawFiles?: true;
}

// Updates that change data (what `WRITE` covers); every other update evolves the table (`EVOLVE`).
const DATA_UPDATES = new Set(['add-snapshot', 'set-snapshot-ref', 'remove-snapshots', 'remove-snapshot-ref', 'set-statistics', 'remove-statistics', 'set-partition-statistics', 'remove-partition-statistics']);

const CATALOG: Securable = { kind: 'catalog' };

function ns(t: OperationTarget): Securable {
  return t.namespace && t.namespace.length > 0 ? { kind: 'namespace', namespace: t.namespace } : CATALOG;
}

function parentOf(t: OperationTarget): Securable {
  const n = t.namespace ?? [];
  return n.length > 1 ? { kind: 'namespace', namespace: n.slice(0, -1) } : CATALOG;
}

function table(t: OperationTarget): Securable {
  return { kind: 'table', namespace: t.namespace ?? [], table: t.table ?? '' };
}

/** What a commit's updates need: `WRITE` for data changes, `EVOLVE` for the rest, both if mixed. */
export function commitPrivileges(updateActions: readonly string[]): Privilege[] {
  const data = updateActions.some((a) => DATA_UPDATES.has(a));
  const evolve = updateActions.some((a) => !DATA_UPDATES.has(a));
  const out: Privilege[] = [];
  if (data) out.push('WRITE');
  // A commit with no update changes nothing, but still needs a right to commit at all.
  if (evolve || !data) out.push('EVOLVE');
  return out;
}

/**
 * The privileges an operation needs, or undefined for operations any authenticated caller may
 * use (`getConfig`).
 */
export function requirementsOf(operationId: string, t: OperationTarget): readonly Requirement[] | undefined {
  switch (operationId) {
    case 'getConfig':
      return undefined;
    case 'listNamespaces':
      return [{ privilege: 'LIST', on: ns(t) }];
    case 'createNamespace':
      return [{ privilege: 'CREATE', on: parentOf(t) }];
    case 'loadNamespaceMetadata':
    case 'namespaceExists':
      return [{ privilege: 'LIST', on: ns(t) }];
    case 'dropNamespace':
      return [{ privilege: 'DROP', on: ns(t) }];
    case 'updateProperties':
      return [{ privilege: 'EVOLVE', on: ns(t) }];
    case 'listTables':
      return [{ privilege: 'LIST', on: ns(t) }];
    case 'createTable':
      return [{ privilege: 'CREATE', on: ns(t) }];
    case 'registerTable':
      // Replacing a table's registration replaces its data for every reader: what dropping it and
      // writing to it need, besides creating a name (Polaris asks the same of a drop and a create).
      return t.overwrite
        ? [{ privilege: 'CREATE', on: ns(t) }, { privilege: 'DROP', on: table(t) }, { privilege: 'WRITE', on: table(t) }]
        : [{ privilege: 'CREATE', on: ns(t) }];
    case 'loadTable':
    case 'cancelPlanning':
    case 'reportMetrics':
    // Floe's read endpoint: the server reads the files and applies the caller's read policy.
    case 'floeReadTable':
      return [{ privilege: 'READ', on: table(t) }];
    case 'loadCredentials':
    case 'planTableScan':
    case 'fetchPlanningResult':
    case 'fetchScanTasks':
      return [{ privilege: 'READ', on: table(t), rawFiles: true }];
    case 'tableExists':
      return [{ privilege: 'LIST', on: table(t) }];
    case 'dropTable':
    case 'unregisterTable':
      return [{ privilege: 'DROP', on: table(t) }];
    case 'renameTable': {
      const dest = t.destination;
      return [
        { privilege: 'DROP', on: table(t) },
        { privilege: 'CREATE', on: dest ? ns({ namespace: dest.namespace }) : CATALOG },
      ];
    }
    case 'updateTable':
    case 'commitTransaction':
      // A create transaction creates the table as createTable does (CREATE on its namespace);
      // data it adds (a create-table-as-select) needs WRITE as an append would.
      if (t.creates) {
        const data = (t.updateActions ?? []).some((a) => DATA_UPDATES.has(a));
        return [{ privilege: 'CREATE', on: ns(t) }, ...(data ? [{ privilege: 'WRITE' as const, on: table(t) }] : [])];
      }
      return commitPrivileges(t.updateActions ?? []).map((privilege) => ({ privilege, on: table(t) }));
    case 'signRequest':
      return [{ privilege: t.writes ? 'WRITE' : 'READ', on: table(t), rawFiles: true }];
    default:
      // An operation nobody listed here is refused to everyone but the catalog's managers.
      return [{ privilege: 'MANAGE_GRANTS', on: CATALOG }];
  }
}
