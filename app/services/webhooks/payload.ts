/**
 * Reading Shopify's REST-shaped webhook payloads at the edge: lenient about
 * what may be absent, explicit about what must be there. A payload without
 * what a handler needs raises PayloadError naming the field, which the
 * processor records on the event (and retries, then dead-letters).
 */
export class PayloadError extends Error {
  override name = "PayloadError";
}

export type Json = Record<string, unknown>;

export function asObject(value: unknown, what: string): Json {
  if (value && typeof value === "object" && !Array.isArray(value)) return value as Json;
  throw new PayloadError(`${what} is not an object`);
}

export function optionalObject(value: unknown): Json | null {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Json) : null;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function optionalString(value: unknown): string | null {
  if (typeof value === "string") return value === "" ? null : value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return null;
}

export function requiredString(payload: Json, field: string, what: string): string {
  const value = optionalString(payload[field]);
  if (value === null) throw new PayloadError(`${what}: "${field}" is missing`);
  return value;
}

export function optionalDate(value: unknown): Date | null {
  if (typeof value !== "string" || value === "") return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function requiredDate(payload: Json, field: string, what: string): Date {
  const date = optionalDate(payload[field]);
  if (!date) throw new PayloadError(`${what}: "${field}" is missing or not a date (${JSON.stringify(payload[field])})`);
  return date;
}

/** The GID of a REST resource: admin_graphql_api_id when present, else built from the numeric id. */
export function gidOf(payload: Json, type: string, what: string): string {
  const gid = optionalString(payload.admin_graphql_api_id);
  if (gid) return gid;
  const id = optionalString(payload.id);
  if (!id) throw new PayloadError(`${what}: neither "admin_graphql_api_id" nor "id" is present`);
  return id.startsWith("gid://") ? id : `gid://shopify/${type}/${id}`;
}

export function optionalGid(value: unknown, type: string): string | null {
  const id = optionalString(value);
  if (!id) return null;
  return id.startsWith("gid://") ? id : `gid://shopify/${type}/${id}`;
}

/** Shopify's product tags arrive as "a, b, c" in REST payloads. */
export function tagList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((t): t is string => typeof t === "string");
  if (typeof value !== "string") return [];
  return value
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
}
