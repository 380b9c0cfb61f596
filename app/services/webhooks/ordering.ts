/**
 * Which stored webhook events may be processed at the same time, and running them so.
 *
 * Events of one resource keep their order: every orders/*, refunds/create, disputes/* and
 * returns/* event of one order shares the key `order:<id>`; an inventory level's events share
 * `level:<item>:<location>`; a product's, a customer's, an inventory item's share theirs. Events
 * of different keys run concurrently (bounded). An event whose resource is not known here —
 * shop/redact, app/uninstalled, customers/redact, transfers, locations, bulk operations, an
 * unreadable body — is EXCLUSIVE: everything before it in the batch finishes first, it runs
 * alone, then the rest continues. Pure: no I/O; the processor (processor.server.ts) calls it.
 */

export interface OrderedItem {
  /** null: exclusive (runs alone, in its place). */
  key: string | null;
}

function idOf(value: unknown): string | null {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "string" && value !== "") return value.replace(/^gid:\/\/shopify\/[A-Za-z]+\//, "");
  return null;
}

function field(payload: unknown, name: string): unknown {
  return payload && typeof payload === "object" && !Array.isArray(payload) ? (payload as Record<string, unknown>)[name] : undefined;
}

/** The order a payload belongs to: `order_id`, else `order.id`, else null. */
function orderIdOf(payload: unknown): string | null {
  return idOf(field(payload, "order_id")) ?? idOf(field(field(payload, "order"), "id"));
}

/**
 * The ordering key of one event of `shop` (null: exclusive). `payload` is the parsed body, or
 * undefined when it did not parse.
 */
export function orderingKey(shop: string, topic: string, payload: unknown): string | null {
  const [resource] = topic.split("/");
  let key: string | null = null;
  switch (resource) {
    case "orders": {
      const id = idOf(field(payload, "id"));
      key = id && `order:${id}`;
      break;
    }
    case "refunds":
    case "disputes":
    case "returns": {
      const id = orderIdOf(payload);
      key = id && `order:${id}`;
      break;
    }
    case "inventory_levels": {
      const item = idOf(field(payload, "inventory_item_id"));
      const location = idOf(field(payload, "location_id"));
      key = item && location && `level:${item}:${location}`;
      break;
    }
    case "inventory_items":
    case "products":
    case "customers": {
      // customers/data_request and customers/redact carry no top-level id: exclusive.
      const id = topic === "customers/data_request" || topic === "customers/redact" ? null : idOf(field(payload, "id"));
      key = id && `${resource}:${id}`;
      break;
    }
    default:
      key = null;
  }
  return key ? `${shop}|${key}` : null;
}

/**
 * Runs `work` over `items` in their order, at most `concurrency` at a time, never two of one
 * key at once and never one of a key before an earlier one of that key has finished; an item
 * whose key is null waits for everything before it and holds everything after it. Resolves
 * when all have run (`work` should not throw; a rejection is passed on after the rest ran).
 */
export async function runOrdered<T extends OrderedItem>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  const limit = Math.max(1, Math.floor(concurrency));
  let failure: { error: unknown } | null = null;
  const guarded = async (item: T) => {
    try {
      await work(item);
    } catch (error) {
      failure ??= { error };
    }
  };
  let segment: T[] = [];
  const flush = async () => {
    if (segment.length === 0) return;
    // One chain per key, in order; chains run `limit` at a time.
    const chains = new Map<string, T[]>();
    for (const item of segment) {
      const chain = chains.get(item.key!);
      if (chain) chain.push(item);
      else chains.set(item.key!, [item]);
    }
    segment = [];
    const queue = [...chains.values()];
    const lanes = Array.from({ length: Math.min(limit, queue.length) }, async () => {
      for (let chain = queue.shift(); chain; chain = queue.shift()) {
        for (const item of chain) await guarded(item);
      }
    });
    await Promise.all(lanes);
  };
  for (const item of items) {
    if (item.key === null) {
      await flush();
      await guarded(item);
    } else {
      segment.push(item);
    }
  }
  await flush();
  if (failure) throw (failure as { error: unknown }).error;
}
