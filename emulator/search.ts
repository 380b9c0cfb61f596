/**
 * A small subset of Shopify's search syntax for the `query:` argument of
 * connections: space-separated terms, all of which must match (implicit AND);
 * `field:value`, `field:>value` (also >=, <, <=), `-field:value` or `NOT field:value`,
 * quoted values ('…' or "…"), and a trailing `*` for a prefix match on text.
 *
 * Like Shopify, a term on a field the connection does not support is ignored and
 * reported as a warning ("Invalid search field for this query."), which the
 * response carries under `extensions.search`. `OR`, parentheses and free-text terms
 * (no `field:`) are not emulated: they fail rather than match something made up.
 */
import { GraphQLError } from "graphql";

import { zonedMidnight } from "./ids";

export type SearchKind = "text" | "date" | "number" | "boolean";

export interface SearchField<T> {
  kind: SearchKind;
  /** The value(s) of the field on an item; a term matches if any value does. */
  get: (item: T) => string | number | boolean | null | (string | number | null)[];
}

export type SearchFields<T> = Record<string, SearchField<T>>;

export interface SearchWarning {
  field: string;
  message: string;
}

interface Term {
  field: string;
  op: "=" | ">" | ">=" | "<" | "<=";
  value: string;
  negate: boolean;
}

function tokenize(query: string): string[] {
  const tokens: string[] = [];
  let current = "";
  let quote: string | null = null;
  for (const char of query) {
    if (quote) {
      current += char;
      if (char === quote) quote = null;
    } else if (char === "'" || char === '"') {
      quote = char;
      current += char;
    } else if (/\s/.test(char)) {
      if (current) tokens.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  if (quote) throw new GraphQLError(`Unterminated quote in search query: ${query}`);
  if (current) tokens.push(current);
  return tokens;
}

function unquote(value: string): string {
  if (value.length >= 2 && (value[0] === "'" || value[0] === '"') && value[value.length - 1] === value[0]) {
    return value.slice(1, -1);
  }
  return value;
}

function parse(query: string): Term[] {
  const terms: Term[] = [];
  let negateNext = false;
  for (const raw of tokenize(query)) {
    if (raw === "AND") continue;
    if (raw === "NOT") {
      negateNext = true;
      continue;
    }
    if (raw === "OR" || raw.includes("(") || raw.includes(")")) {
      throw new GraphQLError(`not emulated: search syntax "${raw}" in query "${query}"`, { extensions: { code: "NOT_EMULATED" } });
    }
    let token = raw;
    let negate = negateNext;
    negateNext = false;
    if (token.startsWith("-")) {
      negate = !negate;
      token = token.slice(1);
    }
    const colon = token.indexOf(":");
    if (colon <= 0) {
      throw new GraphQLError(`not emulated: free-text search term "${raw}" in query "${query}"`, { extensions: { code: "NOT_EMULATED" } });
    }
    const field = token.slice(0, colon);
    let rest = token.slice(colon + 1);
    let op: Term["op"] = "=";
    for (const candidate of [">=", "<=", ">", "<"] as const) {
      if (rest.startsWith(candidate)) {
        op = candidate;
        rest = rest.slice(candidate.length);
        break;
      }
    }
    terms.push({ field, op, value: unquote(rest), negate });
  }
  return terms;
}

function toTime(value: string, timeZone: string): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return zonedMidnight(value, timeZone);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new GraphQLError(`Invalid date in search query: ${value}`);
  return ms;
}

function compare(left: number, op: Term["op"], right: number): boolean {
  switch (op) {
    case "=":
      return left === right;
    case ">":
      return left > right;
    case ">=":
      return left >= right;
    case "<":
      return left < right;
    case "<=":
      return left <= right;
  }
}

/** The term's value as the field's kind compares it, parsed once per query. */
function rightHandSide(kind: SearchKind, term: Term, timeZone: string): number | string {
  if (kind === "date") return toTime(term.value, timeZone);
  if (kind === "number") return Number(term.value.replace(/^gid:\/\/shopify\/[A-Za-z]+\//, ""));
  return term.value.toLowerCase();
}

function matchOne(kind: SearchKind, value: string | number | boolean | null, term: Term, right: number | string): boolean {
  if (value === null) return false;
  switch (kind) {
    case "date":
      return compare(Date.parse(String(value)), term.op, right as number);
    case "number": {
      if (Number.isNaN(right)) return false;
      return compare(Number(value), term.op, right as number);
    }
    case "boolean":
      return String(value) === right;
    case "text": {
      const left = String(value).toLowerCase();
      const text = right as string;
      if (term.op !== "=") return compare(left.localeCompare(text), term.op, 0);
      return text.endsWith("*") ? left.startsWith(text.slice(0, -1)) : left === text;
    }
  }
}

/**
 * Compiles `query` for items described by `fields`. Unknown fields are dropped
 * with a warning pushed to `warnings`.
 */
export function compileSearch<T>(
  query: string | null | undefined,
  fields: SearchFields<T>,
  timeZone: string,
  warnings: SearchWarning[],
): (item: T) => boolean {
  if (!query || !query.trim()) return () => true;
  const terms = parse(query)
    .filter((term) => {
      if (fields[term.field]) return true;
      warnings.push({ field: term.field, message: "Invalid search field for this query." });
      return false;
    })
    .map((term) => {
      const field = fields[term.field] as SearchField<T>;
      return { term, field, right: rightHandSide(field.kind, term, timeZone) };
    });
  return (item) =>
    terms.every(({ term, field, right }) => {
      const raw = field.get(item);
      const values = Array.isArray(raw) ? raw : [raw];
      const hit = values.some((value) => matchOne(field.kind, value, term, right));
      return term.negate ? !hit : hit;
    });
}
