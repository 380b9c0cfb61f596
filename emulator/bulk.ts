/**
 * Bulk queries: bulkOperationRunQuery runs a query with no page limit in the
 * background and writes Shopify's JSONL: one line per connection node, nested
 * connections flattened into their own lines carrying `__parentId` (the parent
 * node's gid), non-connection objects kept inline. The file is streamed to disk
 * (no big string) and served by the emulator's HTTP server; completion emits
 * bulk_operations/finish.
 *
 * Rules checked up front, as Shopify documents them: one query operation, at least
 * one connection, at most five connections, connections nested at most two deep.
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { join } from "node:path";

import {
  getArgumentValues,
  getNamedType,
  isObjectType,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type InlineFragmentNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from "graphql";

import { sortListing } from "./connection";
import type { EmulatorContext } from "./context";
import type { BulkOperationRecord } from "./model";
import { gidOfNode } from "./nodes";
import * as payloads from "./payloads";
import type { Lister } from "./resolvers";
import { notEmulated } from "./schema";
import type { Store } from "./store";

export const MAX_BULK_CONNECTIONS = 5;
export const MAX_BULK_NESTING = 2;

/** Executes a document with the emulator's resolvers (provided by graphql.ts). */
export type LineExecutor = (document: DocumentNode, context: EmulatorContext) => ExecutionResult;

export interface BulkOptions {
  /** Where JSONL files are written (default: a fresh temp directory). */
  dir?: string;
  /** Bulk query operations that may run at once (default 5). */
  concurrency?: number;
}

/** One connection level of the bulk query: how to list its items and render a line. */
interface Level {
  fieldName: string;
  args: Record<string, unknown>;
  /** `query { node(id: "") { ... on T { <selection without nested connections> } } }`. */
  lineDocument: DocumentNode;
  children: Level[];
}

function userError(message: string): { userError: { field: string[]; message: string; code: string } } {
  return { userError: { field: ["query"], message, code: "INVALID" } };
}

function isConnectionField(def: GraphQLField<unknown, unknown> | undefined): boolean {
  if (!def) return false;
  const named = getNamedType(def.type);
  return isObjectType(named) && named.name.endsWith("Connection") && "edges" in named.getFields() && "pageInfo" in named.getFields();
}

export class BulkManager {
  baseUrl: string | null = null;
  private dirPath: string | null;
  private readonly ownsDir: boolean;
  private readonly concurrency: number;
  private running = new Set<Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly schema: GraphQLSchema,
    private readonly listers: Record<string, Lister>,
    private readonly executeLine: LineExecutor,
    options: BulkOptions = {},
  ) {
    this.dirPath = options.dir ?? null;
    this.ownsDir = options.dir === undefined;
    this.concurrency = options.concurrency ?? 5;
  }

  /** Where JSONL files go: the configured directory, or a temp directory made on first use. */
  get dir(): string {
    this.dirPath ??= mkdtempSync(join(tmpdir(), "peakguard-emulator-bulk-"));
    return this.dirPath;
  }

  /** Waits for running operations, then removes the temp directory if the manager made it. */
  async dispose(): Promise<void> {
    await this.whenIdle();
    if (this.ownsDir && this.dirPath) rmSync(this.dirPath, { recursive: true, force: true });
    this.dirPath = this.ownsDir ? null : this.dirPath;
  }

  /** Resolves once no bulk operation is running. */
  async whenIdle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  filePath(id: number): string | null {
    return this.store.bulkOperations.get(id)?.filePath ?? null;
  }

  start(query: string, context: EmulatorContext): { operationId: number } | { userError: { field: string[]; message: string; code: string } } {
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      return userError(`Invalid bulk query: ${(error as Error).message}`);
    }
    const problems = validate(this.schema, document);
    if (problems.length > 0) return userError(`Invalid bulk query: ${problems.map((p) => p.message).join(" ")}`);
    const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    if (operations.length !== 1 || operations[0]?.operation !== "query") {
      return userError("Invalid bulk query: a bulk query must contain exactly one query operation.");
    }
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
    const root = this.schema.getQueryType() as GraphQLCompositeType;
    const levels: Level[] = [];
    let connections = 0;
    let depth = 0;
    const plainTopLevel: string[] = [];
    for (const field of this.fields(root, (operations[0] as OperationDefinitionNode).selectionSet, fragments)) {
      const def = (root as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields()[field.name.value];
      if (!isConnectionField(def)) {
        const inner = def ? (getNamedType(def.type) as GraphQLCompositeType) : undefined;
        if (inner && field.selectionSet && this.containsConnection(inner, field.selectionSet, fragments)) {
          throw notEmulated(`bulk queries whose top-level field is not a connection (${field.name.value})`);
        }
        plainTopLevel.push(field.name.value);
        continue;
      }
      const built = this.level(root, field, fragments, 1);
      connections += built.connections;
      depth = Math.max(depth, built.depth);
      levels.push(built.level);
    }
    if (connections === 0) return userError("Invalid bulk query: bulk queries must contain at least one connection.");
    if (plainTopLevel.length > 0) throw notEmulated(`bulk queries mixing connections with top-level objects (${plainTopLevel.join(", ")})`);
    if (connections > MAX_BULK_CONNECTIONS) {
      return userError(`Invalid bulk query: bulk queries cannot contain more than ${MAX_BULK_CONNECTIONS} connections (this one has ${connections}).`);
    }
    if (depth > MAX_BULK_NESTING) {
      return userError(`Invalid bulk query: bulk queries cannot nest connections more than ${MAX_BULK_NESTING} levels deep (this one nests ${depth}).`);
    }
    const active = [...this.store.bulkOperations.values()].filter((op) => op.status === "CREATED" || op.status === "RUNNING").length;
    if (active >= this.concurrency) {
      return {
        userError: {
          field: [],
          message: `A maximum of ${this.concurrency} bulk query operations can run at the same time; ${active} are running.`,
          code: "LIMIT_REACHED",
        },
      };
    }
    const record: BulkOperationRecord = {
      id: this.store.nextId(),
      query,
      status: "CREATED",
      errorCode: null,
      failureReason: null,
      createdAt: this.store.now(),
      completedAt: null,
      objectCount: 0,
      rootObjectCount: 0,
      fileSize: null,
      filePath: null,
    };
    this.store.bulkOperations.set(record.id, record);
    const run = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.run(record, levels, context))
      .finally(() => this.running.delete(run));
    this.running.add(run);
    return { operationId: record.id };
  }

  /** Fields of a selection set, fragments expanded (all bulk selections are on concrete enough types). */
  private fields(parent: GraphQLCompositeType, set: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>): FieldNode[] {
    const out: FieldNode[] = [];
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) out.push(selection);
      else {
        const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments[selection.name.value];
        if (fragment) out.push(...this.fields(parent, fragment.selectionSet, fragments));
      }
    }
    return out;
  }

  /** Builds the level for connection `field` on `parent`, counting connections and depth. */
  private level(
    parent: GraphQLCompositeType,
    field: FieldNode,
    fragments: Record<string, FragmentDefinitionNode>,
    depth: number,
  ): { level: Level; connections: number; depth: number } {
    const def = (parent as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields()[field.name.value] as GraphQLField<unknown, unknown>;
    const connectionType = getNamedType(def.type) as GraphQLCompositeType & { getFields(): Record<string, GraphQLField<unknown, unknown>> };
    const nodeType = getNamedType(connectionType.getFields().nodes?.type ?? def.type) as GraphQLCompositeType;
    // The node selection: `nodes { … }` and `edges { node { … } }` merged; cursor and pageInfo dropped.
    const nodeSelections: SelectionNode[] = [];
    for (const inner of this.fields(connectionType, field.selectionSet as SelectionSetNode, fragments)) {
      if (inner.name.value === "nodes" && inner.selectionSet) nodeSelections.push(...inner.selectionSet.selections);
      if (inner.name.value === "edges" && inner.selectionSet) {
        const edgeType = getNamedType(connectionType.getFields().edges?.type as GraphQLOutputType) as GraphQLCompositeType;
        for (const edgeField of this.fields(edgeType, inner.selectionSet, fragments)) {
          if (edgeField.name.value === "node" && edgeField.selectionSet) nodeSelections.push(...edgeField.selectionSet.selections);
        }
      }
    }
    const children: Level[] = [];
    let connections = 1;
    let maxDepth = depth;
    const lineSelections = this.stripConnections(nodeType, nodeSelections, fragments, (child, owner) => {
      const built = this.level(owner, child, fragments, depth + 1);
      children.push(built.level);
      connections += built.connections;
      maxDepth = Math.max(maxDepth, built.depth);
    });
    const lineDocument: DocumentNode = {
      kind: Kind.DOCUMENT,
      definitions: [
        {
          kind: Kind.OPERATION_DEFINITION,
          operation: "query" as never,
          selectionSet: {
            kind: Kind.SELECTION_SET,
            selections: [
              {
                kind: Kind.FIELD,
                name: { kind: Kind.NAME, value: "node" },
                arguments: [{ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: "id" }, value: { kind: Kind.STRING, value: "" } }],
                selectionSet: {
                  kind: Kind.SELECTION_SET,
                  selections: [
                    {
                      kind: Kind.INLINE_FRAGMENT,
                      typeCondition: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: nodeType.name } },
                      selectionSet: { kind: Kind.SELECTION_SET, selections: lineSelections },
                    },
                  ],
                },
              },
            ],
          },
        },
      ],
    };
    return {
      level: { fieldName: field.name.value, args: getArgumentValues(def, field, {}), lineDocument, children },
      connections,
      depth: maxDepth,
    };
  }

  /**
   * The node's selections with connection fields removed (each reported to
   * `onConnection`), named fragments inlined. A connection inside a nested
   * non-connection object is not emulated.
   */
  private stripConnections(
    type: GraphQLCompositeType,
    selections: readonly SelectionNode[],
    fragments: Record<string, FragmentDefinitionNode>,
    onConnection: (field: FieldNode, owner: GraphQLCompositeType) => void,
  ): SelectionNode[] {
    const out: SelectionNode[] = [];
    for (const selection of selections) {
      if (selection.kind === Kind.FIELD) {
        const def = "getFields" in type ? type.getFields()[selection.name.value] : undefined;
        if (isConnectionField(def)) {
          onConnection(selection, type);
          continue;
        }
        if (selection.selectionSet && def) this.refuseNestedConnections(getNamedType(def.type) as GraphQLCompositeType, selection.selectionSet, fragments);
        out.push(selection);
        continue;
      }
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments[selection.name.value];
      if (!fragment) continue;
      const conditionName = fragment.typeCondition?.name.value;
      const condition = conditionName ? (this.schema.getType(conditionName) as GraphQLCompositeType) : type;
      const inline: InlineFragmentNode = {
        kind: Kind.INLINE_FRAGMENT,
        typeCondition: fragment.typeCondition,
        directives: selection.directives,
        selectionSet: { kind: Kind.SELECTION_SET, selections: this.stripConnections(condition, fragment.selectionSet.selections, fragments, onConnection) },
      };
      out.push(inline);
    }
    return out;
  }

  private containsConnection(type: GraphQLCompositeType, set: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>): boolean {
    return this.fields(type, set, fragments).some((field) => {
      const def = "getFields" in type ? type.getFields()[field.name.value] : undefined;
      if (isConnectionField(def)) return true;
      return !!(field.selectionSet && def && this.containsConnection(getNamedType(def.type) as GraphQLCompositeType, field.selectionSet, fragments));
    });
  }

  private refuseNestedConnections(type: GraphQLCompositeType, set: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>): void {
    for (const field of this.fields(type, set, fragments)) {
      const def = "getFields" in type ? type.getFields()[field.name.value] : undefined;
      if (isConnectionField(def)) throw notEmulated(`bulk queries with a connection inside a non-connection object (${field.name.value})`);
      if (field.selectionSet && def) this.refuseNestedConnections(getNamedType(def.type) as GraphQLCompositeType, field.selectionSet, fragments);
    }
  }

  private async run(record: BulkOperationRecord, levels: Level[], requestContext: EmulatorContext): Promise<void> {
    record.status = "RUNNING";
    const path = join(this.dir, `bulk-${record.id}.jsonl`);
    record.filePath = path;
    const stream = createWriteStream(path, { encoding: "utf8" });
    const context: EmulatorContext = { store: this.store, runtime: requestContext.runtime, search: [] };
    let sinceYield = 0;
    const write = async (line: string): Promise<void> => {
      if (!stream.write(line)) await once(stream, "drain");
      if (++sinceYield >= 200) {
        sinceYield = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    const emitLevel = async (level: Level, parentType: string, source: unknown, parentId: string | null): Promise<void> => {
      const lister = this.listers[`${parentType}.${level.fieldName}`];
      if (!lister) throw notEmulated(`${parentType}.${level.fieldName} in bulk queries`);
      const fakeInfo = { path: { prev: undefined, key: level.fieldName, typename: parentType } } as unknown as GraphQLResolveInfo;
      const listing = lister(source, level.args, context, fakeInfo);
      for (const item of sortListing(listing, level.args.reverse === true)) {
        const nodeValue = listing.node(item);
        const result = this.executeLine(level.lineDocument, { ...context, bulkSource: nodeValue });
        if (result.errors && result.errors.length > 0) throw new Error(result.errors.map((e) => e.message).join("; "));
        const line = { ...((result.data?.node as Record<string, unknown> | null) ?? {}) };
        if (parentId !== null) line.__parentId = parentId;
        await write(`${JSON.stringify(line)}\n`);
        record.objectCount += 1;
        if (parentId === null) record.rootObjectCount += 1;
        const typename = (nodeValue as { __typename: string }).__typename;
        for (const child of level.children) await emitLevel(child, typename, nodeValue, gidOfNode(nodeValue));
      }
    };
    try {
      for (const level of levels) await emitLevel(level, "QueryRoot", null, null);
      stream.end();
      await once(stream, "finish");
      record.fileSize = statSync(path).size;
      record.status = "COMPLETED";
    } catch (error) {
      stream.end();
      await once(stream, "finish").catch(() => undefined);
      record.status = "FAILED";
      record.errorCode = "INTERNAL_SERVER_ERROR";
      record.failureReason = (error as Error).message;
      record.fileSize = statSync(path).size;
    }
    record.completedAt = this.store.now();
    this.store.emit("bulk_operations/finish", payloads.bulkOperationFinish(this.store, record));
  }
}
