import { useEffect, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useFetcher, useLoaderData, useRevalidator, useSearchParams } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  DataTable,
  IndexTable,
  InlineError,
  InlineStack,
  Layout,
  Page,
  Pagination,
  ProgressBar,
  Select,
  Text,
  TextField,
  Tooltip,
  type BadgeProps,
  type IndexTableProps,
} from "@shopify/polaris";
import { STATE_TO_TERM } from "~/domain/inventory/atp";
import { toDecimalString } from "~/domain/money";
import { STRATEGIES } from "~/domain/routing/config";
import prisma from "~/db.server";
import { adminContext } from "~/services/admin-context.server";
import { forShop } from "~/services/db/scoped.server";
import { startBulkReconcile } from "~/services/inventory/bulk.server";
import { startInventoryJobs } from "~/services/inventory/jobs.server";
import { loadInventoryPage, type GridCell, type InventoryPageData } from "~/services/inventory/page.server";
import { AtpLineChart } from "~/components/VizCharts";
import { readRoutingForm, saveRouting } from "~/services/inventory/settings.server";
import { change } from "~/services/reservations/reservations.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await adminContext(request);
  void startInventoryJobs();
  const url = new URL(request.url);
  const page = Number.parseInt(url.searchParams.get("page") ?? "1", 10);
  return json(
    await loadInventoryPage(prisma, shop, {
      search: url.searchParams.get("q") ?? "",
      page: Number.isFinite(page) ? page : 1,
      sku: url.searchParams.get("sku"),
      now: new Date(),
    }),
  );
};

type ActionResult = { ok: true; intent: string; message: string } | { ok: false; intent: string; message: string; errors: Record<string, string> };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, admin } = await adminContext(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const db = forShop(prisma, shop);
  const now = new Date();
  const fail = (message: string, status = 400, errors: Record<string, string> = {}) =>
    json<ActionResult>({ ok: false, intent, message, errors }, { status });

  if (intent === "reconcile") {
    const started = await startBulkReconcile(db, shop, admin, now);
    return started.ok ? json<ActionResult>({ ok: true, intent, message: started.message }) : fail(started.message, 409);
  }
  if (intent === "release") {
    const id = form.get("reservationId");
    if (typeof id !== "string" || id === "") return fail("Which reservation? The form did not say", 400, { reservationId: "missing" });
    // One key per reservation: a double click replays the first answer.
    const answer = await change(db, shop, `admin-release-${id}`, id, "release", {}, now);
    const body = answer.body as { error?: { message: string } };
    return answer.status === 200 ? json<ActionResult>({ ok: true, intent, message: `Released ${id}` }) : fail(body.error?.message ?? `Could not release ${id}`, answer.status);
  }
  if (intent === "routing") {
    const locations = await db.location.findMany({ where: { deletedAt: null }, select: { id: true } });
    const currency = (await db.shop.findFirst({ select: { currencyCode: true } }))?.currencyCode ?? "USD";
    const read = readRoutingForm(form, locations.map((l) => l.id), currency);
    if (!read.ok) return fail("Some routing settings need fixing", 400, read.errors);
    await saveRouting(db, shop, admin, read.config, now);
    return json<ActionResult>({ ok: true, intent, message: `Routing strategy ${read.config.strategy} (fallback ${read.config.fallback}) published to checkout` });
  }
  return fail(`Unknown action "${intent}"`);
};

const FRESHNESS_TONE: Record<string, BadgeProps["tone"]> = { fresh: "success", aging: "attention", stale: "critical" };
const STATE_TONE: Record<string, BadgeProps["tone"]> = { held: "info", reserved: "attention", committed: "success", released: undefined, expired: "warning" };
const STRATEGY_LABEL: Record<string, string> = { closest: "Closest location", fewestSplits: "Fewest splits", lowestCost: "Lowest cost" };

function AtpCell({ cell }: { cell: GridCell | undefined }) {
  if (!cell) return <Text as="span" tone="subdued">—</Text>;
  const t = cell.terms;
  const detail =
    `on hand ${t.onHand} − reserved ${t.reserved} − in transit out ${t.inTransitOut} + in transit in ${t.inTransitIn} − safety ${t.safetyStock}` +
    ` · ${cell.source}, confirmed ${cell.ageLabel} ago` +
    (cell.flags.length > 0 ? ` · ${cell.flags.map((f) => f.message).join(" · ")}` : "");
  return (
    <Tooltip content={detail}>
      <InlineStack gap="100" blockAlign="center" wrap={false}>
        <Text as="span" numeric fontWeight="semibold" tone={cell.atp < 0 ? "critical" : undefined}>
          {cell.atp}
        </Text>
        {cell.atp < 0 && <Badge tone="critical">oversold</Badge>}
        <Badge tone={FRESHNESS_TONE[cell.freshness]} size="small">{`${cell.source} · ${cell.ageLabel}`}</Badge>
      </InlineStack>
    </Tooltip>
  );
}

function ReconcileCard({ sync }: { sync: InventoryPageData["sync"] }) {
  const fetcher = useFetcher<ActionResult>();
  const revalidator = useRevalidator();
  const running = sync !== null && ["starting", "running", "downloading"].includes(sync.status);
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => revalidator.revalidate(), 2000);
    return () => clearInterval(timer);
  }, [running, revalidator]);
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">Reconcile (bulk operation)</Text>
          <fetcher.Form method="post">
            <input type="hidden" name="intent" value="reconcile" />
            <Button submit loading={fetcher.state !== "idle"} disabled={running}>Reconcile now</Button>
          </fetcher.Form>
        </InlineStack>
        {sync ? (
          <BlockStack gap="200">
            <ProgressBar progress={sync.progress} tone={sync.status === "failed" ? "critical" : "primary"} size="small" />
            <Text as="p" variant="bodySm" tone="subdued">
              {sync.status} · {sync.progress}% · {sync.lines} lines read, {sync.applied} applied, {sync.stale} already newer · started {sync.startedAt}
              {sync.finishedAt ? ` · finished ${sync.finishedAt}` : ""}
            </Text>
            {sync.error && <Text as="p" tone="critical">{sync.error}</Text>}
          </BlockStack>
        ) : (
          <Text as="p" tone="subdued">No reconcile has run yet for this shop.</Text>
        )}
        {fetcher.data && <Text as="p" tone={fetcher.data.ok ? "success" : "critical"}>{fetcher.data.message}</Text>}
      </BlockStack>
    </Card>
  );
}

function GridCard({ data }: { data: InventoryPageData }) {
  const [params] = useSearchParams();
  const [search, setSearch] = useState(data.search);
  const pageLink = (page: number) => {
    const next = new URLSearchParams(params);
    next.set("page", String(page));
    return `?${next.toString()}`;
  };
  const headings: IndexTableProps["headings"] = [
    { title: "SKU" },
    { title: "Product" },
    ...data.locations.map((l) => ({ title: `${l.name}${l.sellsOnline ? "" : " (not online)"}` })),
    { title: "Online total", alignment: "end" },
    { title: "" },
  ];
  return (
    <Card padding="0">
      <Box padding="400">
        <BlockStack gap="300">
          <InlineStack align="space-between" blockAlign="center">
            <Text as="h2" variant="headingMd">Available to promise</Text>
            <Text as="span" variant="bodySm" tone="subdued">
              ATP = on hand − reserved − in transit out + in transit in − safety stock
            </Text>
          </InlineStack>
          <Form method="get">
            <InlineStack gap="200" blockAlign="end">
              <Box minWidth="280px">
                <TextField label="Search SKU or product" name="q" value={search} onChange={setSearch} autoComplete="off" />
              </Box>
              <Button submit>Search</Button>
            </InlineStack>
          </Form>
        </BlockStack>
      </Box>
      <IndexTable
        resourceName={{ singular: "SKU", plural: "SKUs" }}
        itemCount={data.rows.length}
        selectable={false}
        emptyState={<Box padding="400"><Text as="p" tone="subdued">No SKUs{data.search ? ` match "${data.search}"` : " in the mirror yet: run a reconcile"}.</Text></Box>}
        headings={headings}
      >
        {data.rows.map((row, index) => (
          <IndexTable.Row id={row.inventoryItemId} key={row.inventoryItemId} position={index} tone={row.negative ? "critical" : undefined}>
            <IndexTable.Cell>
              <Text as="span" fontWeight="semibold">{row.sku ?? "(no SKU)"}</Text>
            </IndexTable.Cell>
            <IndexTable.Cell>{row.title ?? "—"}</IndexTable.Cell>
            {data.locations.map((l) => (
              <IndexTable.Cell key={l.id}>
                <AtpCell cell={row.cells[l.id]} />
              </IndexTable.Cell>
            ))}
            <IndexTable.Cell>
              <Text as="span" alignment="end" numeric>{row.total}</Text>
            </IndexTable.Cell>
            <IndexTable.Cell>
              {row.sku && <Link to={`?${new URLSearchParams({ ...Object.fromEntries(params), sku: row.sku }).toString()}#history`}>History</Link>}
            </IndexTable.Cell>
          </IndexTable.Row>
        ))}
      </IndexTable>
      <Box padding="400">
        <InlineStack align="center">
          <Pagination
            hasPrevious={data.page > 1}
            hasNext={data.page < data.pages}
            previousURL={pageLink(data.page - 1)}
            nextURL={pageLink(data.page + 1)}
            label={`Page ${data.page} of ${data.pages}`}
          />
        </InlineStack>
      </Box>
    </Card>
  );
}

function ReleaseButton({ id }: { id: string }) {
  const fetcher = useFetcher<ActionResult>();
  return (
    <fetcher.Form method="post">
      <input type="hidden" name="intent" value="release" />
      <input type="hidden" name="reservationId" value={id} />
      <BlockStack gap="100" inlineAlign="end">
        <Button submit size="slim" loading={fetcher.state !== "idle"} accessibilityLabel={`Release reservation ${id}`}>Release</Button>
        {fetcher.data && !fetcher.data.ok && <InlineError fieldID={`release-${id}`} message={fetcher.data.message} />}
      </BlockStack>
    </fetcher.Form>
  );
}

function ReservationsCard({ reservations }: { reservations: InventoryPageData["reservations"] }) {
  return (
    <Card padding="0">
      <Box padding="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">Reservations</Text>
          <Text as="p" variant="bodySm" tone="subdued">
            Holds are Peakguard's own (they lower ATP at once); reserves are also moved into Shopify&apos;s reserved quantity.
          </Text>
        </BlockStack>
      </Box>
      <IndexTable
        resourceName={{ singular: "reservation", plural: "reservations" }}
        itemCount={reservations.length}
        selectable={false}
        emptyState={<Box padding="400"><Text as="p" tone="subdued">No reservations yet.</Text></Box>}
        headings={[{ title: "Reservation" }, { title: "SKU" }, { title: "Location" }, { title: "Qty", alignment: "end" }, { title: "State" }, { title: "Expires" }, { title: "In Shopify" }, { title: "" }]}
      >
        {reservations.map((r, index) => (
          <IndexTable.Row id={r.id} key={r.id} position={index}>
            <IndexTable.Cell><Text as="span" variant="bodySm">{r.id}</Text></IndexTable.Cell>
            <IndexTable.Cell>{r.sku ?? "—"}</IndexTable.Cell>
            <IndexTable.Cell>{r.locationName}</IndexTable.Cell>
            <IndexTable.Cell><Text as="span" alignment="end" numeric>{r.quantity}</Text></IndexTable.Cell>
            <IndexTable.Cell><Badge tone={STATE_TONE[r.state]}>{r.state}</Badge></IndexTable.Cell>
            <IndexTable.Cell>{r.endedAt ? `ended ${r.endedAt}` : r.expiresAt}</IndexTable.Cell>
            <IndexTable.Cell>
              {r.shopifyError ? <Text as="span" tone="critical">{r.shopifyError}</Text> : `${r.shopifyReserved} reserved`}
            </IndexTable.Cell>
            <IndexTable.Cell>{(r.state === "held" || r.state === "reserved") && <ReleaseButton id={r.id} />}</IndexTable.Cell>
          </IndexTable.Row>
        ))}
      </IndexTable>
    </Card>
  );
}

function RoutingCard({ data }: { data: InventoryPageData }) {
  const fetcher = useFetcher<ActionResult>();
  const [strategy, setStrategy] = useState<string>(data.routing.strategy);
  const [fallback, setFallback] = useState<string>(data.routing.fallback);
  const [costs, setCosts] = useState<Record<string, string>>(() =>
    Object.fromEntries(data.locations.map((l) => [l.id, l.cost === null ? "" : toDecimalString(l.cost, data.currency)])),
  );
  const errors = fetcher.data && !fetcher.data.ok ? fetcher.data.errors : {};
  const options = STRATEGIES.map((s) => ({ label: STRATEGY_LABEL[s] ?? s, value: s }));
  return (
    <Card>
      <fetcher.Form method="post">
        <input type="hidden" name="intent" value="routing" />
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">Routing at checkout</Text>
          <Text as="p" variant="bodySm" tone="subdued">
            The location-routing function ranks only locations whose ATP covers the whole group; ties go to the closer location, then the cheaper, then the lower location id.
          </Text>
          <Select label="Strategy" name="strategy" options={options} value={strategy} onChange={setStrategy} error={errors.strategy} />
          <Select label="When the strategy cannot decide" name="fallback" options={options} value={fallback} onChange={setFallback} error={errors.fallback} />
          <Text as="h3" variant="headingSm">Cost per shipment ({data.currency})</Text>
          {data.locations.map((l) => (
            <TextField
              key={l.id}
              label={`${l.name}${l.located ? "" : " (no coordinates: never “closest”)"}`}
              name={`cost:${l.id}`}
              value={costs[l.id] ?? ""}
              onChange={(value) => setCosts((c) => ({ ...c, [l.id]: value }))}
              autoComplete="off"
              placeholder="no cost"
              error={errors[`cost:${l.id}`]}
            />
          ))}
          <InlineStack align="space-between" blockAlign="center">
            <Text as="span" variant="bodySm" tone="subdued">
              {data.routingPublishedAt ? `Published ${data.routingPublishedAt}` : "Not published yet: checkout uses closest, then fewest splits"}
            </Text>
            <Button submit variant="primary" loading={fetcher.state !== "idle"}>Save and publish</Button>
          </InlineStack>
          {fetcher.data && <Text as="p" tone={fetcher.data.ok ? "success" : "critical"}>{fetcher.data.message}</Text>}
        </BlockStack>
      </fetcher.Form>
    </Card>
  );
}

function MappingCard() {
  const rows = Object.entries(STATE_TO_TERM).map(([state, m]) => [state, m.term ?? "(derived)", m.sign > 0 ? "+" : m.sign < 0 ? "−" : "", m.why]);
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">Shopify quantities → ATP terms</Text>
        <DataTable columnContentTypes={["text", "text", "text", "text"]} headings={["Shopify state", "ATP term", "", "Why"]} rows={rows} />
      </BlockStack>
    </Card>
  );
}

export default function Inventory() {
  const data = useLoaderData<typeof loader>();
  const history = data.history;
  return (
    <Page fullWidth title="Inventory" subtitle="Multi-location ATP, reservations and routing">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {data.negatives > 0 && (
              <Banner tone="critical" title={`${data.negatives} location figure(s) below zero`}>
                More is promised than Shopify holds there. The figures are shown as they are; checkout sees 0 for them.
              </Banner>
            )}
            {data.issues.some((i) => i.severity === "critical") && (
              <Banner tone="warning" title="Duplicate SKUs">
                {data.issues.filter((i) => i.code === "duplicate_sku").slice(0, 5).map((i) => <p key={i.sku}>{i.message}</p>)}
              </Banner>
            )}
            <Text as="p" variant="bodySm" tone="subdued">
              ATP changes reach checkout within {data.publish.budgetSeconds} s; last published{" "}
              {data.publish.lagLabel ? <Badge tone={FRESHNESS_TONE[data.publish.freshness ?? "stale"]}>{`${data.publish.lagLabel} ago`}</Badge> : "never"}.
            </Text>
            {history && (
              <Card>
                <BlockStack gap="300">
                  <span id="history" />
                  <Text as="h2" variant="headingMd">ATP of {history.sku} over 30 days</Text>
                  <AtpLineChart series={history.series} until={data.now} />
                </BlockStack>
              </Card>
            )}
            <GridCard data={data} />
            <ReservationsCard reservations={data.reservations} />
            <MappingCard />
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <ReconcileCard sync={data.sync} />
            <RoutingCard data={data} />
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">Catalog checks</Text>
                {data.issues.length === 0 ? (
                  <Text as="p" tone="subdued">SKUs are unique and every GTIN/EAN/UPC/ISBN passes its check digit.</Text>
                ) : (
                  <BlockStack gap="100">
                    <Text as="p" variant="bodySm" tone="subdued">Reported, not rejected: Shopify owns the record.</Text>
                    {data.issues.slice(0, 20).map((i, n) => (
                      <Text key={`${i.code}-${n}`} as="p" variant="bodySm" tone={i.severity === "critical" ? "critical" : undefined}>
                        {i.message}
                      </Text>
                    ))}
                    {data.issues.length > 20 && <Text as="p" variant="bodySm" tone="subdued">…and {data.issues.length - 20} more.</Text>}
                  </BlockStack>
                )}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
