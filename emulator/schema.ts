/**
 * The executable Admin schema: Shopify's real pinned SDL, executed with our
 * resolvers. A field we do not emulate never answers with a guess: it fails with
 * the GraphQL error "not emulated: Type.field" (and null propagates as the spec says).
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  buildSchema,
  GraphQLError,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type GraphQLTypeResolver,
} from "graphql";

import { API_VERSION } from "../app/api-version";

/** Repository root (this file lives in `<root>/emulator/`). */
export const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * Where the pinned Admin SDL is read from: the repository copy
 * `graphql/schema/admin-<version>.graphql` when present, otherwise the shared
 * original `../shared/shopify/admin/admin-<version>.graphql` next to the repository.
 */
export function adminSchemaPath(root: string = REPO_ROOT): string {
  const inRepo = resolve(root, "graphql", "schema", `admin-${API_VERSION}.graphql`);
  if (existsSync(inRepo)) return inRepo;
  return resolve(root, "..", "shared", "shopify", "admin", `admin-${API_VERSION}.graphql`);
}

let cached: GraphQLSchema | undefined;

/**
 * The Admin schema, built once per process (about 0.4 s for the 3.7 MB SDL).
 * `assumeValidSDL`: the SDL is printed from Shopify's introspection, valid by construction.
 */
export function adminSchema(): GraphQLSchema {
  cached ??= buildSchema(readFileSync(adminSchemaPath(), "utf8"), { assumeValidSDL: true });
  return cached;
}

/**
 * Marks an object as a store-backed node: its fields are answered only by the
 * resolvers registered for its type, never by reading properties off the record
 * (a record's `id` is a number, the schema's is a gid: a property read would lie).
 */
export const RECORD = Symbol("emulator.record");

export interface NodeRef<T = unknown> {
  __typename: string;
  [RECORD]: T;
}

export function nodeRef<T>(typename: string, record: T): NodeRef<T> {
  return { __typename: typename, [RECORD]: record };
}

export function recordOf<T>(source: unknown): T {
  return (source as NodeRef<T>)[RECORD];
}

export type Resolver<TContext> = (
  source: unknown,
  args: Record<string, unknown>,
  context: TContext,
  info: GraphQLResolveInfo,
) => unknown;

/** Resolvers by schema type name, then field name. */
export type ResolverMap<TContext> = Record<string, Record<string, Resolver<TContext>>>;

/** The GraphQL error for a field the emulator does not answer. */
export function notEmulated(what: string): GraphQLError {
  return new GraphQLError(`not emulated: ${what}`, { extensions: { code: "NOT_EMULATED" } });
}

/**
 * The default field resolver for `execute`:
 * 1. a registered resolver for `ParentType.field` answers;
 * 2. otherwise a plain value object (not a store node) may answer with its own
 *    property of exactly that name, for fields without arguments;
 * 3. otherwise the field is not emulated: an error, never `undefined`/null.
 */
export function emulatorFieldResolver<TContext>(resolvers: ResolverMap<TContext>): GraphQLFieldResolver<unknown, TContext> {
  return (source, args, context, info) => {
    const resolver = resolvers[info.parentType.name]?.[info.fieldName];
    if (resolver) return resolver(source, args, context, info);
    if (
      source !== null &&
      typeof source === "object" &&
      !(RECORD in source) &&
      Object.prototype.hasOwnProperty.call(source, info.fieldName) &&
      info.parentType.getFields()[info.fieldName]?.args.length === 0
    ) {
      return (source as Record<string, unknown>)[info.fieldName];
    }
    throw notEmulated(`${info.parentType.name}.${info.fieldName}`);
  };
}

/** Interfaces and unions (Node, HasMetafields, …) resolve by the `__typename` on our objects. */
export const emulatorTypeResolver: GraphQLTypeResolver<unknown, unknown> = (value, _context, info, abstractType) => {
  const typename = value && typeof value === "object" ? (value as { __typename?: unknown }).__typename : undefined;
  if (typeof typename === "string") return typename;
  throw new GraphQLError(`not emulated: no concrete type for ${abstractType.name} at ${info.fieldName}`);
};
