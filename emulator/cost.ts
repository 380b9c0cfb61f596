/**
 * Calculated query cost and the leaky bucket, after Shopify's documented method
 * (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits):
 *
 * - scalar and enum fields cost 0;
 * - an object field costs 1 plus its selection; an interface or union field costs
 *   1 plus the most expensive of its possible selections;
 * - a connection costs 2 plus, for each of the `first` (or `last`) objects it may
 *   return, 1 plus the node's selection (edges/node, nodes, pageInfo and cursor
 *   carry no cost of their own);
 * - a mutation field costs 10;
 * - a single query may cost at most 1,000 (checked before execution);
 * - the requested cost is taken from the bucket before execution; once the query
 *   has run, the difference to the actual cost (computed the same way on what was
 *   returned) is refunded.
 */
import {
  getNamedType,
  getVariableValues,
  isAbstractType,
  isCompositeType,
  isListType,
  isNonNullType,
  isObjectType,
  valueFromAST,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

export const MAX_SINGLE_QUERY_COST = 1000;
export const MUTATION_FIELD_COST = 10;

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface CostExtension {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

interface Walk {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

/** The operation `operationName` picks (or the only one), or null. */
export function pickOperation(document: DocumentNode, operationName?: string | null): OperationDefinitionNode | null {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operationName) return operations.find((op) => op.name?.value === operationName) ?? null;
  return operations.length === 1 ? (operations[0] as OperationDefinitionNode) : null;
}

function walkFor(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, inputs: Record<string, unknown>): Walk {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], inputs);
  return { schema, fragments, variables: coerced.coerced ?? {} };
}

function included(walk: Walk, node: { directives?: readonly { name: { value: string }; arguments?: readonly { name: { value: string }; value: unknown }[] }[] }): boolean {
  for (const directive of node.directives ?? []) {
    if (directive.name.value !== "skip" && directive.name.value !== "include") continue;
    const arg = directive.arguments?.find((a) => a.name.value === "if");
    const value = arg ? valueFromAST(arg.value as never, walk.schema.getType("Boolean") as never, walk.variables) : undefined;
    if (directive.name.value === "skip" && value === true) return false;
    if (directive.name.value === "include" && value === false) return false;
  }
  return true;
}

/**
 * Fields selected on `parent` (a concrete type, or an abstract type for the
 * fields selected on it directly), with the type each applies to.
 */
function fieldsFor(walk: Walk, parent: GraphQLCompositeType, selectionSet: SelectionSetNode, out: { field: FieldNode; on: GraphQLCompositeType }[] = []): { field: FieldNode; on: GraphQLCompositeType }[] {
  for (const selection of selectionSet.selections) {
    if (!included(walk, selection)) continue;
    if (selection.kind === Kind.FIELD) {
      out.push({ field: selection, on: parent });
      continue;
    }
    const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : walk.fragments[selection.name.value];
    if (!fragment) continue;
    const conditionName = fragment.typeCondition?.name.value;
    const condition = conditionName ? (walk.schema.getType(conditionName) as GraphQLCompositeType | undefined) : parent;
    if (!condition) continue;
    // On a concrete type: fragments on it or on an abstract type it belongs to. On an abstract
    // type: only fragments on that type itself (concrete fragments are priced as candidates).
    const applies = condition === parent || (isAbstractType(condition) && isObjectType(parent) && walk.schema.isSubType(condition, parent));
    if (applies) fieldsFor(walk, parent, fragment.selectionSet, out);
  }
  return out;
}

/** Concrete (or the abstract type itself) candidates whose selections must be priced separately. */
function candidates(walk: Walk, parent: GraphQLCompositeType, selectionSet: SelectionSetNode): GraphQLCompositeType[] {
  if (!isAbstractType(parent)) return [parent];
  const found = new Set<GraphQLCompositeType>([parent]);
  const visit = (set: SelectionSetNode): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) continue;
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : walk.fragments[selection.name.value];
      if (!fragment) continue;
      const name = fragment.typeCondition?.name.value;
      const type = name ? walk.schema.getType(name) : undefined;
      if (type && isObjectType(type) && walk.schema.isSubType(parent, type)) found.add(type);
      if (type && isAbstractType(type)) {
        for (const possible of walk.schema.getPossibleTypes(type)) {
          if (walk.schema.isSubType(parent, possible)) found.add(possible);
        }
      }
      visit(fragment.selectionSet);
    }
  };
  visit(selectionSet);
  // Pricing every implementation of a wide interface (Node has hundreds) is pointless when no
  // fragment names them: only types named in fragments can add fields beyond the interface's.
  return [...found];
}

function fieldDef(type: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  return "getFields" in type ? type.getFields()[name] : undefined;
}

function isConnection(type: GraphQLOutputType): boolean {
  const named = getNamedType(type);
  return isObjectType(named) && named.name.endsWith("Connection") && "pageInfo" in named.getFields() && "edges" in named.getFields();
}

function pageSize(walk: Walk, field: FieldNode, def: GraphQLField<unknown, unknown>): number {
  for (const name of ["first", "last"]) {
    const arg = field.arguments?.find((a) => a.name.value === name);
    const argDef = def.args.find((a) => a.name === name);
    if (!arg || !argDef) continue;
    const value = valueFromAST(arg.value, argDef.type, walk.variables);
    if (typeof value === "number") return Math.max(0, value);
  }
  return 0;
}

/** The selections of a connection's node type: `edges { node { … } }` and `nodes { … }`. */
function nodeSelections(walk: Walk, connectionType: GraphQLCompositeType, selectionSet: SelectionSetNode): { type: GraphQLCompositeType; set: SelectionSetNode; via: "edges" | "nodes"; key: string; nodeKey?: string }[] {
  const result: { type: GraphQLCompositeType; set: SelectionSetNode; via: "edges" | "nodes"; key: string; nodeKey?: string }[] = [];
  for (const { field } of fieldsFor(walk, connectionType, selectionSet)) {
    const key = field.alias?.value ?? field.name.value;
    if (field.name.value === "nodes" && field.selectionSet) {
      const type = getNamedType(fieldDef(connectionType, "nodes")?.type as GraphQLOutputType) as GraphQLCompositeType;
      result.push({ type, set: field.selectionSet, via: "nodes", key });
    }
    if (field.name.value === "edges" && field.selectionSet) {
      const edgeType = getNamedType(fieldDef(connectionType, "edges")?.type as GraphQLOutputType) as GraphQLCompositeType;
      for (const inner of fieldsFor(walk, edgeType, field.selectionSet)) {
        if (inner.field.name.value === "node" && inner.field.selectionSet) {
          const type = getNamedType(fieldDef(edgeType, "node")?.type as GraphQLOutputType) as GraphQLCompositeType;
          result.push({ type, set: inner.field.selectionSet, via: "edges", key, nodeKey: inner.field.alias?.value ?? "node" });
        }
      }
    }
  }
  return result;
}

function requestedSelection(walk: Walk, parent: GraphQLCompositeType, selectionSet: SelectionSetNode): number {
  let best = 0;
  for (const candidate of candidates(walk, parent, selectionSet)) {
    let sum = 0;
    for (const { field, on } of fieldsFor(walk, candidate, selectionSet)) sum += requestedField(walk, on, field);
    best = Math.max(best, sum);
  }
  return best;
}

function requestedField(walk: Walk, parent: GraphQLCompositeType, field: FieldNode): number {
  if (field.name.value.startsWith("__")) return 0;
  const def = fieldDef(parent, field.name.value);
  if (!def || !field.selectionSet) return 0;
  const named = getNamedType(def.type);
  if (!isCompositeType(named)) return 0;
  if (isConnection(def.type)) {
    const perNode = Math.max(0, ...nodeSelections(walk, named, field.selectionSet).map((s) => 1 + requestedSelection(walk, s.type, s.set)));
    return 2 + pageSize(walk, field, def) * perNode;
  }
  return 1 + requestedSelection(walk, named, field.selectionSet);
}

/** Shopify's requested cost of `operation` with `variables`, before execution. */
export function requestedQueryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): number {
  const walk = walkFor(schema, document, operation, variables);
  if (operation.operation === "mutation") {
    const root = schema.getMutationType();
    return root ? fieldsFor(walk, root, operation.selectionSet).filter(({ field }) => !field.name.value.startsWith("__")).length * MUTATION_FIELD_COST : 0;
  }
  const root = schema.getQueryType();
  return root ? requestedSelection(walk, root, operation.selectionSet) : 0;
}

function actualSelection(walk: Walk, parent: GraphQLCompositeType, selectionSet: SelectionSetNode, data: unknown): number {
  if (data === null || typeof data !== "object") return 0;
  const record = data as Record<string, unknown>;
  // Every fragment's fields, whatever its type condition: only those that applied are in the data.
  const seen = new Set<string>();
  let sum = 0;
  const visit = (type: GraphQLCompositeType, set: SelectionSetNode): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        if (seen.has(key) || !(key in record)) continue;
        seen.add(key);
        sum += actualField(walk, type, selection, record[key]);
        continue;
      }
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : walk.fragments[selection.name.value];
      if (!fragment) continue;
      const name = fragment.typeCondition?.name.value;
      visit(name ? ((walk.schema.getType(name) as GraphQLCompositeType | undefined) ?? type) : type, fragment.selectionSet);
    }
  };
  visit(parent, selectionSet);
  return sum;
}

function actualField(walk: Walk, parent: GraphQLCompositeType, field: FieldNode, value: unknown): number {
  if (field.name.value.startsWith("__") || value === null || value === undefined) return 0;
  const def = fieldDef(parent, field.name.value);
  if (!def || !field.selectionSet) return 0;
  const named = getNamedType(def.type);
  if (!isCompositeType(named)) return 0;
  if (isConnection(def.type)) {
    const connection = value as Record<string, unknown>;
    const perNode: number[] = [];
    for (const selection of nodeSelections(walk, named, field.selectionSet)) {
      const list = connection[selection.key];
      if (!Array.isArray(list)) continue;
      list.forEach((entry, index) => {
        const nodeValue = selection.via === "edges" ? (entry as Record<string, unknown> | null)?.[selection.nodeKey ?? "node"] : entry;
        const cost = nodeValue === null || nodeValue === undefined ? 0 : 1 + actualSelection(walk, selection.type, selection.set, nodeValue);
        perNode[index] = Math.max(perNode[index] ?? 0, cost);
      });
    }
    return 2 + perNode.reduce((a, b) => a + b, 0);
  }
  const inner = isNonNullType(def.type) ? def.type.ofType : def.type;
  if (isListType(inner) && Array.isArray(value)) {
    return 1 + Math.max(0, ...value.map((item) => actualSelection(walk, named, field.selectionSet as SelectionSetNode, item)));
  }
  return 1 + actualSelection(walk, named, field.selectionSet, value);
}

/** The actual cost of what `data` holds for `operation` (never more than requested). */
export function actualQueryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  data: unknown,
  requested: number,
): number {
  if (operation.operation === "mutation") return requested;
  const walk = walkFor(schema, document, operation, variables);
  const root = schema.getQueryType();
  return root ? Math.min(requested, actualSelection(walk, root, operation.selectionSet, data)) : 0;
}

/* ---------------------------------------------------------------- bucket */

export interface ThrottleConfig {
  /** Bucket size in points (default 2000). */
  maximumAvailable?: number;
  /** Points restored per second (default 100). */
  restoreRate?: number;
}

/**
 * Shopify's leaky bucket for one app on one shop: fills at `restoreRate` points a
 * second up to `maximumAvailable`; a query needs its requested cost available.
 */
export class LeakyBucket {
  maximumAvailable: number;
  restoreRate: number;
  private available: number;
  private last: number;

  constructor(
    config: ThrottleConfig,
    private readonly clock: () => number,
  ) {
    this.maximumAvailable = config.maximumAvailable ?? 2000;
    this.restoreRate = config.restoreRate ?? 100;
    this.available = this.maximumAvailable;
    this.last = clock();
  }

  private refill(): void {
    const now = this.clock();
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.available = Math.min(this.maximumAvailable, this.available + elapsed * this.restoreRate);
    this.last = now;
  }

  status(): ThrottleStatus {
    this.refill();
    return { maximumAvailable: this.maximumAvailable, currentlyAvailable: Math.floor(this.available), restoreRate: this.restoreRate };
  }

  /** Takes `cost` points if available; false (and nothing taken) otherwise. */
  take(cost: number): boolean {
    this.refill();
    if (this.available < cost) return false;
    this.available -= cost;
    return true;
  }

  refund(points: number): void {
    this.refill();
    this.available = Math.min(this.maximumAvailable, this.available + Math.max(0, points));
  }

  /** Changes the bucket's shape; `currentlyAvailable` sets the level (default: unchanged, capped). */
  configure(config: ThrottleConfig & { currentlyAvailable?: number }): void {
    this.refill();
    if (config.maximumAvailable !== undefined) this.maximumAvailable = config.maximumAvailable;
    if (config.restoreRate !== undefined) this.restoreRate = config.restoreRate;
    this.available = Math.min(this.maximumAvailable, config.currentlyAvailable ?? this.available);
  }

  /** Full again. */
  reset(): void {
    this.available = this.maximumAvailable;
    this.last = this.clock();
  }
}
