/**
 * Reconciliation: a JSONL file in the shape Shopify's bulkOperationRunQuery writes
 * for BULK_CATALOG_QUERY (an item line with its variant, product and identifier
 * metafields inline; a line per inventory level with `__parentId`), streamed to
 * disk first, then applied through the real path: applyBulkResult (claim, status,
 * download, streamJsonl, classifyLine, the batched writers, progress rows). The
 * Admin API's two answers (the operation's status, the file) come from the file on
 * disk. Memory (RSS and heap) is sampled every 250 ms during the apply, and the
 * heap still in use after a full collection is recorded at each tenth of the file.
 * Baseline: reading and classifying the same file, applying nothing.
 */
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable, Transform } from "node:stream";
import v8 from "node:v8";
import vm from "node:vm";
import type { AdminClient } from "../../app/services/admin/client.server";
import { forShop } from "../../app/services/db/scoped.server";
import { classifyLine } from "../../app/services/inventory/bulk-query";
import { applyBulkResult, type ApplyReport } from "../../app/services/inventory/bulk.server";
import { streamJsonl } from "../../app/services/inventory/jsonl.server";
import type { BenchDatabase } from "./db";
import { nowMs, sampleMemory, type MemoryReport } from "./stats";

export interface JsonlShape {
  /** Total lines: items × (1 + levelsPerItem). */
  rows: number;
  levelsPerItem: number;
}

/** Item ids start above the read bench's catalog so a reconcile never collides with it. */
const BASE = 50_000_000;
const NAMES = ["available", "on_hand", "committed", "reserved", "incoming", "safety_stock", "damaged", "quality_control"] as const;

/** EAN-13 check digit (the reconcile reports identifiers; half the items carry a valid GTIN). */
function ean13(body12: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i += 1) sum += Number(body12[i]) * (i % 2 === 0 ? 1 : 3);
  return body12 + String((10 - (sum % 10)) % 10);
}

/** Writes the file line by line with backpressure (never built in memory). Returns items and lines written. */
export async function writeBulkJsonl(file: string, shape: JsonlShape): Promise<{ items: number; lines: number; bytes: number }> {
  const items = Math.floor(shape.rows / (1 + shape.levelsPerItem));
  if (items < 1) throw new Error(`reconcile rows ${shape.rows} is fewer than one item with ${shape.levelsPerItem} levels`);
  const out = createWriteStream(file, { encoding: "utf8" });
  const updatedAt = "2026-11-27T04:00:00Z";
  let lines = 0;
  for (let n = 1; n <= items; n += 1) {
    const id = BASE + n;
    const gtin = n % 2 === 0 ? ean13(String(400000000000 + n).slice(0, 12)) : null;
    const item = {
      id: `gid://shopify/InventoryItem/${id}`,
      tracked: n % 101 !== 0,
      updatedAt,
      variant: {
        id: `gid://shopify/ProductVariant/${id}`,
        sku: `REC-${id}`,
        barcode: gtin,
        price: `${(n % 90) + 10}.${String(n % 100).padStart(2, "0")}`,
        updatedAt,
        product: { id: `gid://shopify/Product/${BASE + Math.ceil(n / 4)}`, title: `Reconciled product ${Math.ceil(n / 4)}`, handle: `rec-${Math.ceil(n / 4)}`, status: "ACTIVE", tags: ["drop", `batch-${n % 7}`], updatedAt },
        gtin: gtin ? { value: gtin } : null,
        isbn: null,
      },
    };
    let chunk = `${JSON.stringify(item)}\n`;
    for (let j = 1; j <= shape.levelsPerItem; j += 1) {
      const available = (n * 7 + j * 13) % 60;
      const committed = (n + j) % 4;
      const q: Record<(typeof NAMES)[number], number> = {
        available,
        on_hand: available + committed + (j % 2),
        committed,
        reserved: 0,
        incoming: j === 1 ? n % 5 : 0,
        safety_stock: j % 2,
        damaged: 0,
        quality_control: 0,
      };
      chunk += `${JSON.stringify({
        id: `gid://shopify/InventoryLevel/${id * 100 + j}?inventory_item_id=${id}`,
        updatedAt,
        location: { id: `gid://shopify/Location/${80_000 + j}` },
        quantities: NAMES.map((name) => ({ name, quantity: q[name] })),
        __parentId: `gid://shopify/InventoryItem/${id}`,
      })}\n`;
    }
    lines += 1 + shape.levelsPerItem;
    if (!out.write(chunk)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  return { items, lines, bytes: (await stat(file)).size };
}

/** V8's collector, exposed at run time (the npm script passes no --expose-gc). */
function collector(): () => void {
  v8.setFlagsFromString("--expose-gc");
  return vm.runInNewContext("gc") as () => void;
}

/**
 * The file as a stream that, at each tenth of its bytes, collects garbage and
 * records the heap still in use: what the apply keeps, whatever V8's collection
 * schedule (a sampled peak also holds garbage not collected yet).
 */
function withLiveHeapCheckpoints(file: string, bytes: number, live: number[]): Readable {
  const gc = collector();
  let read = 0;
  const mark = (tenth: number) => Math.floor((bytes * tenth) / 10);
  return createReadStream(file).pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        read += chunk.byteLength;
        while (live.length < 10 && read >= mark(live.length + 1)) {
          gc();
          live.push(process.memoryUsage().heapUsed);
        }
        done(null, chunk);
      },
    }),
  );
}

export interface ReconcileRun {
  shop: string;
  lines: number;
  bytes: number;
  seconds: number;
  linesPerSecond: number;
  memory: MemoryReport;
  /** Heap in use after a full collection at each tenth of the file (bytes). */
  liveHeap: number[];
  report: ApplyReport;
  /** Levels and items in the database after the apply (should equal the file's). */
  levelsInDb: number;
  itemsInDb: number;
  expectedLevels: number;
  expectedItems: number;
}

export interface ParseRun {
  lines: number;
  seconds: number;
  linesPerSecond: number;
  memory: MemoryReport;
}

/** The baseline: stream and classify every line, apply nothing. */
export async function parseOnly(file: string): Promise<ParseRun> {
  collector()();
  const memory = sampleMemory();
  const t0 = nowMs();
  let kinds = 0;
  const progress = await streamJsonl(createReadStream(file), (value) => {
    if (classifyLine(value).kind !== "unknown") kinds += 1;
  });
  const seconds = (nowMs() - t0) / 1000;
  if (kinds !== progress.lines) throw new Error(`parse baseline: ${progress.lines - kinds} lines were not items or levels`);
  return { lines: progress.lines, seconds, linesPerSecond: progress.lines / seconds, memory: memory.stop() };
}

/** Applies the file as a finished bulk operation of `shop`, through applyBulkResult. */
export async function reconcileFile(db: BenchDatabase, shop: string, file: string, shape: { items: number; levels: number }): Promise<ReconcileRun> {
  const scoped = forShop(db.prisma, shop);
  const bytes = (await stat(file)).size;
  await scoped.shop.create({ data: { shop, currencyCode: "USD", ianaTimezone: "UTC" } });
  const sync = await scoped.bulkSync.create({ data: { shop, status: "running", startedAt: new Date(), bulkOperationId: "gid://shopify/BulkOperation/1" } });
  const url = "https://storage.shopifycloud.example/bench.jsonl";
  const liveHeap: number[] = [];
  const client = {
    request: async () => ({
      bulkOperation: { id: "gid://shopify/BulkOperation/1", type: "QUERY", status: "COMPLETED", errorCode: null, objectCount: String(shape.items + shape.levels), fileSize: String(bytes), url, partialDataUrl: null, createdAt: new Date().toISOString(), completedAt: new Date().toISOString() },
    }),
  } as unknown as AdminClient;
  const fetchFile = (async (requested: string | URL | Request) => {
    if (String(requested) !== url) return new Response(null, { status: 404 });
    return new Response(Readable.toWeb(withLiveHeapCheckpoints(file, bytes, liveHeap)) as ReadableStream<Uint8Array>, { status: 200 });
  }) as typeof fetch;

  collector()();
  const memory = sampleMemory();
  const t0 = nowMs();
  const report = await applyBulkResult(db.prisma, shop, client, sync.id, { fetch: fetchFile });
  const seconds = (nowMs() - t0) / 1000;
  const mem = memory.stop();
  if (!report) throw new Error(`reconcile of ${shop}: the sync was not applied (claim refused)`);
  const [levels, items] = await Promise.all([
    db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "InventoryLevel" WHERE "shop" = $1 AND "availableSource" = 'reconcile'`, [shop]),
    db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "InventoryItem" WHERE "shop" = $1`, [shop]),
  ]);
  return {
    shop,
    lines: report.lines,
    bytes,
    seconds,
    linesPerSecond: report.lines / seconds,
    memory: mem,
    liveHeap,
    report,
    levelsInDb: Number(levels.rows[0]?.n ?? 0),
    itemsInDb: Number(items.rows[0]?.n ?? 0),
    expectedLevels: shape.levels,
    expectedItems: shape.items,
  };
}
