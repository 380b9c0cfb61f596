/**
 * The bulk reconcile's pieces without a database: the query validates against the
 * pinned Admin schema, lines are classified, and JSONL is streamed with bounded
 * memory — a generated file of 250,000 lines (~130 MB) read over HTTP never lives
 * in memory whole.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import v8 from "node:v8";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { validateDocument } from "../../graphql/schema";
import { BULK_CATALOG_QUERY, classifyLine } from "~/services/inventory/bulk-query";
import { JsonlLineError, streamJsonl } from "~/services/inventory/jsonl.server";
import { progressOf } from "~/services/inventory/bulk.server";

describe("the bulk query", () => {
  it("validates against the pinned Admin schema", () => {
    expect(validateDocument(BULK_CATALOG_QUERY, "BULK_CATALOG_QUERY")).toEqual([]);
  });

  it("stays within Shopify's bulk limits: two connections, nested two deep", () => {
    expect(BULK_CATALOG_QUERY.match(/edges \{/g)).toHaveLength(2);
  });
});

describe("classifying JSONL lines", () => {
  it("an item line carries its variant, product and identifier metafields", () => {
    const line = classifyLine({
      id: "gid://shopify/InventoryItem/1",
      tracked: true,
      updatedAt: "2026-11-20T10:00:00Z",
      variant: {
        id: "gid://shopify/ProductVariant/2",
        sku: "PG-1",
        barcode: "4006381333931",
        price: "12.50",
        updatedAt: "2026-11-20T10:00:00Z",
        product: { id: "gid://shopify/Product/3", title: "Tee", handle: "tee", status: "ACTIVE", tags: ["a"], updatedAt: "2026-11-20T09:00:00Z" },
        gtin: { value: "04006381333931" },
        isbn: null,
      },
    });
    expect(line).toMatchObject({ kind: "item", variant: { sku: "PG-1", identifiers: { "custom.gtin": "04006381333931" }, product: { title: "Tee" } } });
  });

  it("a level line names its item through __parentId", () => {
    expect(
      classifyLine({
        id: "gid://shopify/InventoryLevel/7?inventory_item_id=1",
        updatedAt: "2026-11-20T10:00:00Z",
        location: { id: "gid://shopify/Location/7" },
        quantities: [{ name: "available", quantity: 4 }, { name: "bogus" }],
        __parentId: "gid://shopify/InventoryItem/1",
      }),
    ).toEqual({
      kind: "level",
      inventoryItemId: "gid://shopify/InventoryItem/1",
      locationId: "gid://shopify/Location/7",
      updatedAt: "2026-11-20T10:00:00Z",
      quantities: [{ name: "available", quantity: 4 }],
    });
  });

  it("anything else is reported, not guessed", () => {
    expect(classifyLine({ id: "gid://shopify/Order/1" })).toEqual({ kind: "unknown", reason: "unexpected id gid://shopify/Order/1" });
    expect(classifyLine([])).toEqual({ kind: "unknown", reason: "no id" });
  });
});

function levelLine(i: number): string {
  return `${JSON.stringify({
    id: `gid://shopify/InventoryLevel/${70100000000 + (i % 4)}?inventory_item_id=${83000000000 + i}`,
    updatedAt: "2026-11-27T05:00:00Z",
    location: { id: `gid://shopify/Location/${70100000000 + (i % 4)}` },
    quantities: [
      { name: "available", quantity: i % 50 },
      { name: "on_hand", quantity: (i % 50) + 3 },
      { name: "committed", quantity: 1 },
      { name: "reserved", quantity: 2 },
      { name: "incoming", quantity: 0 },
      { name: "safety_stock", quantity: 0 },
      { name: "damaged", quantity: 0 },
      { name: "quality_control", quantity: 0 },
    ],
    __parentId: `gid://shopify/InventoryItem/${83000000000 + i}`,
  })}\n`;
}

describe("streaming JSONL", () => {
  it("splits lines across chunk boundaries, in order, including a last line without a newline and CRLF", async () => {
    const text = '{"a":1}\r\n{"b":"é"}\n\n{"c":3}';
    const bytes = new TextEncoder().encode(text);
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 3) yield bytes.slice(i, i + 3); // splits the UTF-8 of é too
    }
    const seen: unknown[] = [];
    const progress = await streamJsonl(chunks(), (v) => void seen.push(v));
    expect(seen).toEqual([{ a: 1 }, { b: "é" }, { c: 3 }]);
    expect(progress).toEqual({ bytes: bytes.length, lines: 3 });
  });

  it("names the line that is not JSON, and refuses an endless line instead of buffering it", async () => {
    async function* bad() {
      yield new TextEncoder().encode('{"a":1}\n{oops}\n');
    }
    await expect(streamJsonl(bad(), () => undefined)).rejects.toThrow(/line 2: not JSON/);
    async function* endless() {
      for (let i = 0; i < 100; i++) yield new TextEncoder().encode("x".repeat(1000));
    }
    await expect(streamJsonl(endless(), () => undefined, { maxLineLength: 50_000 })).rejects.toThrow(JsonlLineError);
  });

  it("reads a 250,000-line file (~130 MB) over HTTP; the heap it keeps stays under 16 MB", { timeout: 120_000 }, async () => {
    const LINES = 250_000;
    // A collectable heap measures what is kept, not garbage not yet collected.
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as () => void;
    // The server generates the file on the fly: it never exists whole, on disk or in memory.
    const server: Server = createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/jsonl" });
      let i = 0;
      const pump = () => {
        while (i < LINES) {
          let block = "";
          for (let n = 0; n < 500 && i < LINES; n++, i++) block += levelLine(i);
          if (!res.write(block)) return void res.once("drain", pump);
        }
        res.end();
      };
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bulk.jsonl`;
    try {
      gc();
      const baseline = process.memoryUsage().heapUsed;
      let peak = baseline;
      let available = 0;
      let levels = 0;
      const response = await fetch(url);
      const progress = await streamJsonl(
        response.body!,
        (value) => {
          const line = classifyLine(value);
          if (line.kind === "level") {
            levels += 1;
            available += line.quantities[0]!.quantity;
          }
        },
        {
          progressEvery: 25_000,
          onProgress: () => {
            gc();
            peak = Math.max(peak, process.memoryUsage().heapUsed);
          },
        },
      );
      expect(progress.lines).toBe(LINES);
      expect(levels).toBe(LINES);
      expect(available).toBe(Array.from({ length: LINES }, (_, i) => i % 50).reduce((a, b) => a + b, 0));
      expect(progress.bytes).toBeGreaterThan(120_000_000);
      // The whole file as a JS string would take more than its 130 MB; the stream keeps a chunk and a line.
      expect(peak - baseline).toBeLessThan(16 * 1024 * 1024);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("reconcile progress", () => {
  it("0–50 % while Shopify runs the query, 50–100 % while applying", () => {
    const sync = { objectCount: 0, fileSize: null, bytesRead: 0n };
    expect(progressOf({ ...sync, status: "starting" }, 100)).toBe(0);
    expect(progressOf({ ...sync, status: "running", objectCount: 40 }, 100)).toBe(20);
    expect(progressOf({ ...sync, status: "running", objectCount: 400 }, 100)).toBe(50);
    expect(progressOf({ ...sync, status: "downloading", fileSize: 1000n, bytesRead: 500n }, 100)).toBe(75);
    expect(progressOf({ ...sync, status: "completed" }, 100)).toBe(100);
  });
});
