/**
 * Test doubles for AdminClient: a strict transport that serves a queue of expected
 * calls (any call not in the queue, out of order or with other variables fails the
 * test), and a fake clock whose sleep advances time and records each wait.
 */
import { expect } from "vitest";

import type { AdminDocument } from "../../../graphql/operations";
import type {
  AdminQueryCost,
  AdminTransport,
  AdminTransportResponse,
} from "../../../app/services/admin/client.server";

export interface ExpectedCall {
  operation: AdminDocument;
  /** Variables the client must send (compared with toEqual); omitted = none sent. */
  variables?: Record<string, unknown>;
  /** What the server answers, or an error the transport throws. */
  respond: AdminTransportResponse | { throws: unknown };
}

export interface StrictTransport {
  transport: AdminTransport;
  /** Fails unless every expected call was made and nothing else was. */
  assertDone(): void;
  readonly calls: { operationName: string; variables: Record<string, unknown> | undefined }[];
}

export function strictTransport(expected: ExpectedCall[]): StrictTransport {
  const queue = [...expected];
  const calls: StrictTransport["calls"] = [];
  const unexpected: string[] = [];
  const transport: AdminTransport = async (query, variables) => {
    const operationName = /^(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? "(anonymous)";
    calls.push({ operationName, variables });
    const next = queue.shift();
    if (!next) {
      const message = `unexpected Admin API call #${calls.length}: ${operationName} ${JSON.stringify(variables)}`;
      unexpected.push(message);
      throw new Error(message);
    }
    expect(operationName, `call #${calls.length}`).toBe(next.operation.name);
    expect(query, `call #${calls.length} source`).toBe(next.operation.source);
    expect(variables, `call #${calls.length} variables`).toEqual(next.variables);
    if ("throws" in next.respond) throw next.respond.throws;
    return next.respond;
  };
  return {
    transport,
    calls,
    assertDone() {
      expect(unexpected, "unexpected calls").toEqual([]);
      expect(
        queue.map((call) => call.operation.name),
        "expected calls that were never made",
      ).toEqual([]);
    },
  };
}

export interface FakeClock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  advance(ms: number): void;
  readonly sleeps: number[];
}

export function fakeClock(start = 1_750_000_000_000): FakeClock {
  let time = start;
  const sleeps: number[] = [];
  return {
    now: () => time,
    sleep: async (ms) => {
      sleeps.push(ms);
      time += ms;
    },
    advance(ms) {
      time += ms;
    },
    sleeps,
  };
}

/** An `extensions.cost` block. */
export function cost(
  requestedQueryCost: number,
  currentlyAvailable: number,
  { maximumAvailable = 1_000, restoreRate = 50, actualQueryCost = requestedQueryCost as number | null } = {},
): { cost: AdminQueryCost } {
  return {
    cost: {
      requestedQueryCost,
      actualQueryCost,
      throttleStatus: { maximumAvailable, currentlyAvailable, restoreRate },
    },
  };
}

/** A THROTTLED answer as Shopify sends it: HTTP 200, no data, cost with actualQueryCost null. */
export function throttled(requestedQueryCost: number, currentlyAvailable: number, restoreRate = 50): AdminTransportResponse {
  return {
    status: 200,
    errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }],
    extensions: cost(requestedQueryCost, currentlyAvailable, { restoreRate, actualQueryCost: null }),
  };
}
