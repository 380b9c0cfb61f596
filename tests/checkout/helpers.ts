/**
 * Helpers for the checkout simulator's tests: the default store, the example carts, input
 * variables made from a query's variable types, and a query generator that selects every
 * field of a Function API's schema (to pin down what is simulated and what is not).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import type { GraphQLNamedType, GraphQLObjectType, GraphQLSchema, GraphQLType, TypeNode } from "graphql";

import { graphql } from "../../functions/graphql";
import { parseCartFile, type CartFile } from "../../emulator/checkout/cart";
import { StoreSnapshot } from "../../emulator/checkout/snapshot";
import type { SeedFile } from "../../emulator/model";
import { Store } from "../../emulator/store";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const CARTS_DIR = path.join(ROOT, "checkout", "carts");
export const SEED = JSON.parse(readFileSync(path.join(ROOT, "emulator", "seed", "default.json"), "utf8")) as SeedFile;

/** A fresh store from the default seed, on a fixed clock. */
export function defaultStore(): Store {
  return new Store({ seed: SEED, clock: () => Date.parse("2026-11-27T14:30:00Z") });
}

export function defaultSnapshot(): StoreSnapshot {
  return StoreSnapshot.fromStore(defaultStore());
}

/** Every example cart under checkout/carts/, parsed. */
export function exampleCarts(): { name: string; cart: CartFile }[] {
  return readdirSync(CARTS_DIR)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => ({ name: f.replace(/\.json$/, ""), cart: parseCartFile(JSON.parse(readFileSync(path.join(CARTS_DIR, f), "utf8")), f) }));
}

export function exampleCart(name: string): CartFile {
  const found = exampleCarts().find((c) => c.name === name);
  if (!found) throw new Error(`no example cart ${name}`);
  return found.cart;
}

/** A minimal cart file (defaults filled in) with the given overrides. */
export function cart(overrides: Record<string, unknown> = {}): CartFile {
  return parseCartFile({ lines: [{ sku: "PG-JKT-M", quantity: 1 }], ...overrides }, "test cart");
}

/** A plausible value for a variable of GraphQL type `type` (for input-query variables in tests). */
export function sampleValue(schema: GraphQLSchema, type: TypeNode): unknown {
  if (type.kind === graphql.Kind.NON_NULL_TYPE) return sampleValue(schema, type.type);
  if (type.kind === graphql.Kind.LIST_TYPE) return [sampleValue(schema, type.type)];
  const named = schema.getType(type.name.value);
  return sampleForNamed(named ?? undefined);
}

function sampleForNamed(named: GraphQLNamedType | undefined): unknown {
  if (!named) return null;
  if (graphql.isEnumType(named)) return named.getValues()[0]?.name ?? null;
  switch (named.name) {
    case "Int":
      return 1;
    case "Float":
      return 1.5;
    case "Boolean":
      return true;
    case "ID":
      return "gid://shopify/Collection/450000000001";
    case "DateTimeWithoutTimezone":
      return "2026-11-27T00:00:00";
    case "TimeWithoutTimezone":
      return "09:00:00";
    case "Date":
      return "2026-11-27";
    case "Decimal":
      return "10.0";
    case "Handle":
      return "summit-down-jacket";
    default:
      return "vip";
  }
}

/** `{ $var: sample }` for every variable a query declares. */
export function sampleVariables(schema: GraphQLSchema, query: string): Record<string, unknown> {
  const document = graphql.parse(query);
  const variables: Record<string, unknown> = {};
  for (const definition of document.definitions) {
    if (definition.kind !== graphql.Kind.OPERATION_DEFINITION) continue;
    for (const v of definition.variableDefinitions ?? []) variables[v.variable.name.value] = sampleValue(schema, v.type);
  }
  return variables;
}

/** A literal for an argument of type `type`, or null when the generator cannot make one. */
function argumentLiteral(type: GraphQLType, argName: string): string | null {
  if (graphql.isNonNullType(type)) return argumentLiteral(type.ofType, argName);
  if (graphql.isListType(type)) {
    const inner = argumentLiteral(type.ofType, argName);
    return inner === null ? null : `[${inner}]`;
  }
  if (graphql.isInputObjectType(type)) return null;
  if (graphql.isEnumType(type)) return type.getValues()[0]?.name ?? null;
  if (argName === "namespace") return '"custom"';
  if (argName === "key") return '"drop_date"';
  if (argName === "tags") return '"winter"';
  if (argName === "ids" || argName === "identifiers") return '"gid://shopify/Collection/450000000001"';
  if (argName === "names") return '"Brooklyn Warehouse"';
  const value = sampleForNamed(type as GraphQLNamedType);
  return JSON.stringify(value);
}

/**
 * A query selecting every field of `schema`'s Input type, recursively (a type is not entered
 * again below itself), with literal arguments; fields in `exclude` ("Type.field") and fields
 * with input-object arguments are left out. Abstract types get one inline fragment per type.
 */
export function everyFieldQuery(schema: GraphQLSchema, exclude: ReadonlySet<string> = new Set()): string {
  const root = schema.getQueryType() as GraphQLObjectType;
  // Fields inside a fragment on a concrete type get an alias (`Type_field`): two types of a
  // union may have the same field name with different types.
  const select = (type: GraphQLNamedType, seen: readonly string[], indent: string, alias = false): string | null => {
    if (graphql.isLeafType(type)) return "";
    if (seen.includes(type.name)) return null;
    const path = [...seen, type.name];
    if (graphql.isAbstractType(type)) {
      const parts = schema.getPossibleTypes(type).map((t) => {
        const inner = select(t, path, `${indent}  `, true);
        return inner ? `${indent}  ... on ${t.name} ${inner}` : null;
      });
      const body = parts.filter(Boolean).join("\n");
      return `{\n${indent}  __typename\n${body}\n${indent}}`;
    }
    if (!graphql.isObjectType(type)) return null;
    const lines: string[] = [];
    for (const field of Object.values(type.getFields())) {
      if (exclude.has(`${type.name}.${field.name}`)) continue;
      const args: string[] = [];
      let skip = false;
      for (const arg of field.args) {
        const literal = argumentLiteral(arg.type, arg.name);
        if (literal === null) {
          if (graphql.isNonNullType(arg.type)) skip = true;
          continue;
        }
        args.push(`${arg.name}: ${literal}`);
      }
      if (skip) continue;
      const inner = select(graphql.getNamedType(field.type), path, `${indent}  `);
      if (inner === null) continue;
      lines.push(`${indent}  ${alias ? `${type.name}_${field.name}: ` : ""}${field.name}${args.length ? `(${args.join(", ")})` : ""}${inner ? ` ${inner}` : ""}`);
    }
    return lines.length ? `{\n${lines.join("\n")}\n${indent}}` : null;
  };
  return `query Everything ${select(root, [], "")}`;
}
