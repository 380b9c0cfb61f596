import { useState, type ReactNode } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link as RemixLink, useActionData, useFetcher, useLoaderData, useNavigation, Form } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  Divider,
  FormLayout,
  IndexTable,
  InlineError,
  InlineStack,
  Layout,
  List,
  Page,
  Select,
  Text,
  TextField,
  type BadgeProps,
} from "@shopify/polaris";
import prisma from "~/db.server";
import { adminContext } from "~/services/admin-context.server";
import type { RuleFields } from "~/services/validation/form.server";
import type { LookupResult } from "~/services/validation/lookup.server";
import { kindLabel } from "~/services/validation/labels";
import { handleAction, loadPage, type ActionData, type RuleRow } from "~/services/validation/page.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, admin } = await adminContext(request);
  return json(await loadPage({ prisma, admin, shop, now: new Date() }, new URL(request.url)));
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, admin } = await adminContext(request);
  const { status, data } = await handleAction({ prisma, admin, shop, now: new Date() }, await request.formData());
  return json(data, { status });
};

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

const MODE_BADGE: Record<string, { tone: BadgeProps["tone"]; label: string }> = {
  enforce: { tone: "success", label: "Enforced" },
  test: { tone: "attention", label: "Testing" },
  off: { tone: undefined, label: "Off" },
};

const STATUS_TONE: Record<string, BadgeProps["tone"]> = {
  blocked: "critical",
  would_block: "attention",
  passed: "success",
  skipped: undefined,
  unreadable: "warning",
};

function ModeBadge({ mode }: { mode: string }) {
  const badge = MODE_BADGE[mode] ?? { tone: undefined, label: mode };
  return <Badge tone={badge.tone}>{badge.label}</Badge>;
}

function Hidden({ revision, intent, extra = {} }: { revision: string; intent: string; extra?: Record<string, string> }) {
  return (
    <>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="revision" value={revision} />
      {Object.entries(extra).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
    </>
  );
}

/** A Polaris TextField posting under `name`, starting from `initial`. */
function Field(props: { name: string; label: string; initial: string; error?: string; helpText?: ReactNode; multiline?: number; type?: "text" | "number" | "datetime-local" }) {
  const [value, setValue] = useState(props.initial);
  return (
    <TextField
      name={props.name}
      label={props.label}
      value={value}
      onChange={setValue}
      autoComplete="off"
      error={props.error}
      helpText={props.helpText}
      multiline={props.multiline}
      type={props.type ?? "text"}
    />
  );
}

function Choice(props: { name: string; label: string; initial: string; options: { label: string; value: string }[]; error?: string; helpText?: ReactNode }) {
  const [value, setValue] = useState(props.initial);
  return <Select name={props.name} label={props.label} options={props.options} value={value} onChange={setValue} error={props.error} helpText={props.helpText} />;
}

function Toggle(props: { name: string; label: string; initial: boolean; error?: string }) {
  const [checked, setChecked] = useState(props.initial);
  return <Checkbox name={props.name} label={props.label} checked={checked} onChange={setChecked} value="on" error={props.error} />;
}

function CountsCell({ row, days }: { row: RuleRow; days: number }) {
  const replay = row.replay;
  return (
    <BlockStack gap="050">
      <Text as="span" variant="bodySm">
        {row.lookups ? `Lookups: blocked ${row.lookups.blocked} of ${row.lookups.lookups}` : "Lookups: none yet"}
      </Text>
      <Text as="span" variant="bodySm" tone="subdued">
        {!replay
          ? `Replay: —`
          : replay.replayable
            ? `Replay (${days} days): would block ${replay.wouldBlock} of ${replay.checked} orders${replay.guestsOverLimit ? `; ${replay.guestsOverLimit} guest order(s) over the limit, seen only afterwards` : ""}`
            : `Replay: not possible (${replay.note})`}
      </Text>
    </BlockStack>
  );
}

function RuleActions({ row, revision }: { row: RuleRow; revision: string }) {
  const fetcher = useFetcher<ActionData>();
  const busy = fetcher.state !== "idle";
  const other = (["enforce", "test", "off"] as const).filter((m) => m !== row.mode);
  const failed = fetcher.data && !fetcher.data.ok ? fetcher.data : null;
  return (
    <BlockStack gap="100" inlineAlign="end">
      <InlineStack gap="100" wrap={false}>
        <Button url={`?edit=${encodeURIComponent(row.id)}`} variant="plain">
          Edit
        </Button>
        {other.map((mode) => (
          <fetcher.Form method="post" key={mode}>
            <Hidden revision={revision} intent="setMode" extra={{ ruleId: row.id, mode }} />
            <Button submit loading={busy} size="slim" accessibilityLabel={`Set ${row.id} to ${MODE_BADGE[mode]!.label}`}>
              {mode === "enforce" ? "Enforce" : mode === "test" ? "Test" : "Turn off"}
            </Button>
          </fetcher.Form>
        ))}
        <fetcher.Form method="post">
          <Hidden revision={revision} intent="deleteRule" extra={{ ruleId: row.id }} />
          <Button submit tone="critical" variant="plain" loading={busy}>
            Delete
          </Button>
        </fetcher.Form>
      </InlineStack>
      {failed && "message" in failed && <InlineError fieldID={`rule-${row.id}`} message={failed.message} />}
    </BlockStack>
  );
}

const KINDS = ["maxPerOrder", "customerLimit", "cartQuantity", "subtotal", "region", "timeGate", "atp"] as const;

function RuleEditor({ data, action }: { data: Data; action: ActionData | undefined }) {
  const failed = action && action.intent === "saveRule" && !action.ok ? action : null;
  const fields: RuleFields = failed ? failed.fields : data.editing!.fields;
  const replacing = failed ? failed.replacing : data.editing!.replacing;
  const errors = failed?.fieldErrors ?? {};
  const [kind, setKind] = useState(fields.kind);
  const e = (name: keyof RuleFields) => errors[name];
  const skusHelp = "One per line: exact SKUs (HD-BLK-M) or a prefix ending in * (HD-*).";
  const currency = data.settings.currencyCode;
  return (
    <Card>
      <Form method="post" key={`${replacing ?? "new"}-${data.revision}`}>
        <Hidden revision={data.revision} intent="saveRule" extra={replacing ? { replacing } : {}} />
        <BlockStack gap="400">
          <Text as="h2" variant="headingMd">
            {replacing ? `Edit rule ${replacing}` : "Add a rule"}
          </Text>
          {failed && failed.formErrors.length > 0 && (
            <Banner tone="critical" title={failed.message}>
              <List>
                {failed.formErrors.map((m) => (
                  <List.Item key={m}>{m}</List.Item>
                ))}
              </List>
            </Banner>
          )}
          <FormLayout>
            <FormLayout.Group>
              <Field name="id" label="Rule id" initial={fields.id} error={e("id")} helpText="Lowercase letters, digits, - and _. Counts and customer limits are kept by id." />
              <Field name="name" label="Name (for you)" initial={fields.name} error={e("name")} />
            </FormLayout.Group>
            <FormLayout.Group>
              <Select name="kind" label="Kind" options={KINDS.map((k) => ({ label: kindLabel(k), value: k }))} value={kind} onChange={setKind} error={e("kind")} />
              <Choice
                name="mode"
                label="Mode"
                initial={fields.mode}
                error={e("mode")}
                options={[
                  { label: "Testing: report, never block", value: "test" },
                  { label: "Enforced: block checkout", value: "enforce" },
                  { label: "Off", value: "off" },
                ]}
              />
            </FormLayout.Group>
            {["maxPerOrder", "customerLimit", "timeGate", "atp"].includes(kind) && (
              <Field name="skus" label="SKUs" initial={fields.skus} error={e("skus")} multiline={3} helpText={kind === "atp" ? `${skusHelp} Leave empty for every SKU with a published ATP figure.` : skusHelp} />
            )}
            {kind === "maxPerOrder" && (
              <FormLayout.Group>
                <Field name="max" label="Maximum per order" initial={fields.max} error={e("max")} type="number" />
                <Choice name="per" label="Counted" initial={fields.per} error={e("per")} options={[{ label: "Per SKU", value: "sku" }, { label: "All these SKUs together", value: "rule" }]} />
              </FormLayout.Group>
            )}
            {kind === "customerLimit" && (
              <>
                <FormLayout.Group>
                  <Field name="max" label="Maximum per customer" initial={fields.max} error={e("max")} type="number" />
                  <Choice
                    name="guests"
                    label="Guest checkouts"
                    initial={fields.guests}
                    error={e("guests")}
                    helpText="A guest's earlier orders cannot be seen at checkout: only their cart is counted. Asking guests to log in closes that gap, except for new accounts."
                    options={[{ label: "Allow (count the cart only)", value: "allow" }, { label: "Ask guests to log in", value: "block" }]}
                  />
                </FormLayout.Group>
                <FormLayout.Group>
                  <Choice name="windowKind" label="Counted over" initial={fields.windowKind} error={e("windowKind")} options={[{ label: "The last N days", value: "days" }, { label: "A drop's lifetime", value: "between" }]} />
                  <Field name="windowDays" label="Days" initial={fields.windowDays} error={e("windowDays")} type="number" />
                </FormLayout.Group>
                <FormLayout.Group>
                  <Field name="windowFrom" label="Drop starts (shop time)" initial={fields.windowFrom} error={e("windowFrom")} type="datetime-local" />
                  <Field name="windowTo" label="Drop ends (optional)" initial={fields.windowTo} error={e("windowTo")} type="datetime-local" />
                </FormLayout.Group>
              </>
            )}
            {kind === "cartQuantity" && (
              <FormLayout.Group>
                <Field name="min" label="Minimum items" initial={fields.min} error={e("min")} type="number" helpText="Checked at checkout, not on the cart page." />
                <Field name="max" label="Maximum items" initial={fields.max} error={e("max")} type="number" />
              </FormLayout.Group>
            )}
            {kind === "subtotal" && (
              <FormLayout.Group>
                <Field name="minAmount" label={`Minimum subtotal (${currency})`} initial={fields.minAmount} error={e("minAmount")} helpText="Converted to the shopper's currency at Shopify's rate." />
                <Field name="maxAmount" label={`Maximum subtotal (${currency})`} initial={fields.maxAmount} error={e("maxAmount")} />
              </FormLayout.Group>
            )}
            {kind === "region" && (
              <>
                <FormLayout.Group>
                  <Field name="countries" label="Countries" initial={fields.countries} error={e("countries")} helpText="Two-letter codes: RU, BY" />
                  <Field name="provinces" label="Provinces" initial={fields.provinces} error={e("provinces")} helpText="Country-province: US-HI, US-AK" />
                </FormLayout.Group>
                <Field name="postalCodes" label="Postal codes" initial={fields.postalCodes} error={e("postalCodes")} helpText='Patterns, optionally for one country: "GB:BT*", "969??" (* any run, ? one character)' />
                <Toggle name="poBoxes" label="Block PO boxes" initial={fields.poBoxes !== ""} error={e("poBoxes")} />
              </>
            )}
            {kind === "timeGate" && (
              <FormLayout.Group>
                <Field name="opensAt" label={`Opens (${data.settings.zone})`} initial={fields.opensAt} error={e("opensAt")} type="datetime-local" />
                <Field name="closesAt" label="Closes (optional)" initial={fields.closesAt} error={e("closesAt")} type="datetime-local" />
              </FormLayout.Group>
            )}
            {kind === "atp" && (
              <FormLayout.Group>
                <Field name="staleAfterSeconds" label="Staleness budget (seconds)" initial={fields.staleAfterSeconds} error={e("staleAfterSeconds")} type="number" />
                <Choice
                  name="whenStale"
                  label="When the figure is older"
                  initial={fields.whenStale}
                  error={e("whenStale")}
                  options={[{ label: "Fail closed: block the line", value: "closed" }, { label: "Fail open: let it through", value: "open" }]}
                />
                <Field name="location" label="Location (optional)" initial={fields.location} error={e("location")} helpText="A location id to check that location's figure instead of the total." />
              </FormLayout.Group>
            )}
          </FormLayout>
          <InlineStack gap="200">
            <Button submit variant="primary">
              Save rule
            </Button>
            <Button url="?">Cancel</Button>
          </InlineStack>
        </BlockStack>
      </Form>
    </Card>
  );
}

function LookupCard({ data }: { data: Data }) {
  const fetcher = useFetcher<ActionData>();
  const result: LookupResult | null = fetcher.data?.intent === "lookup" && fetcher.data.ok ? fetcher.data.result : null;
  const failed = fetcher.data?.intent === "lookup" && !fetcher.data.ok ? fetcher.data : null;
  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            Why was this cart blocked?
          </Text>
          <Text as="p" tone="subdued">
            Describe a cart: it runs through the same rules, with the same code, as the checkout function, and each rule says what it found. Prices and ATP come from Shopify; a customer&apos;s earlier purchases from synced orders.
          </Text>
        </BlockStack>
        <fetcher.Form method="post">
          <Hidden revision={data.revision} intent="lookup" />
          <FormLayout>
            <Field name="lines" label="Cart lines" initial="" multiline={3} helpText="One per line: SKU × quantity" error={failed?.fieldErrors.lines} />
            <FormLayout.Group>
              <Choice name="buyer" label="Buyer" initial="guest" options={[{ label: "Guest checkout", value: "guest" }, { label: "Logged-in customer", value: "customer" }]} />
              <Field name="customer" label="Customer email or id" initial="" error={failed?.fieldErrors.customer} />
            </FormLayout.Group>
            <FormLayout.Group>
              <Field name="countryCode" label="Country" initial="" error={failed?.fieldErrors.countryCode} />
              <Field name="provinceCode" label="Province" initial="" />
              <Field name="zip" label="Postal code" initial="" />
              <Field name="market" label="Market handle" initial="" helpText="For region kill switches by market" error={failed?.fieldErrors.market} />
            </FormLayout.Group>
            <FormLayout.Group>
              <Field name="address1" label="Address" initial="" />
              <Field name="address2" label="Address line 2" initial="" />
            </FormLayout.Group>
            <FormLayout.Group>
              <Choice
                name="step"
                label="Checkout step"
                initial="CHECKOUT_COMPLETION"
                options={[
                  { label: "Cart page", value: "CART_INTERACTION" },
                  { label: "Filling in checkout", value: "CHECKOUT_INTERACTION" },
                  { label: "Completing checkout", value: "CHECKOUT_COMPLETION" },
                ]}
              />
              <Choice name="language" label="Language" initial="EN" options={[{ label: "English", value: "EN" }, { label: "Français", value: "FR" }, { label: "Deutsch", value: "DE" }]} />
              <Field name="at" label={`At (${data.settings.zone})`} initial={data.nowLocal} type="datetime-local" error={failed?.fieldErrors.at} />
            </FormLayout.Group>
            <Button submit loading={fetcher.state !== "idle"}>
              Check this cart
            </Button>
          </FormLayout>
        </fetcher.Form>
        {result && (
          <BlockStack gap="300">
            <Divider />
            <Text as="h3" variant="headingSm">
              {result.errors.length > 0 ? `Blocked at ${result.at.replace("T", " ")}: the shopper sees` : `Not blocked at ${result.at.replace("T", " ")}`}
            </Text>
            {result.errors.length > 0 && (
              <List>
                {result.errors.map((m) => (
                  <List.Item key={`${m.target}${m.message}`}>
                    {m.message} <Text as="span" tone="subdued">({m.target})</Text>
                  </List.Item>
                ))}
              </List>
            )}
            {result.notes.map((n) => (
              <Banner key={n} tone="warning">
                {n}
              </Banner>
            ))}
            {result.verdicts.map((v) => (
              <InlineStack key={v.ruleId} gap="200" wrap={false} blockAlign="start">
                <Badge tone={STATUS_TONE[v.status]}>{v.statusLabel.split(" (")[0]!}</Badge>
                <BlockStack gap="050">
                  <Text as="span" fontWeight="semibold">
                    {v.name} <ModeBadge mode={v.mode} />
                  </Text>
                  <Text as="span" variant="bodySm">
                    {v.explanation}
                  </Text>
                </BlockStack>
              </InlineStack>
            ))}
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}

function SettingsCard({ data }: { data: Data }) {
  const navigation = useNavigation();
  const [enabled, setEnabled] = useState(data.validation?.enabled ?? true);
  return (
    <Card>
      <Form method="post">
        <Hidden revision={data.revision} intent="saveSettings" />
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">
            Settings
          </Text>
          <Checkbox label="Checkout rules are on in Shopify" name="enabled" checked={enabled} onChange={setEnabled} value="on" />
          <Choice
            name="failureMode"
            label="If the function cannot run a rule"
            initial={data.failureMode}
            helpText="Closed blocks checkout with a 'try again' message (and sets Shopify's blockOnFailure, so a crash or timeout blocks too). Open lets checkout through."
            options={[{ label: "Fail open", value: "open" }, { label: "Fail closed", value: "closed" }]}
          />
          <Button submit loading={navigation.state === "submitting"}>
            {data.validation ? "Save settings" : "Create in Shopify"}
          </Button>
        </BlockStack>
      </Form>
    </Card>
  );
}

const EFFECT: Record<string, string> = {
  blocks_every_checkout: "blocks every checkout with a 'try again' message (enforced, failing closed)",
  not_checked: "is not checked: every cart passes it (enforced, failing open)",
  reports_only: "blocks nothing (testing mode): it reports that it cannot read the figures",
};
const num = (n: number) => n.toLocaleString("en-US");

/** The critical banner while checkout cannot read any ATP figure: what each ATP rule does now, and the fix. */
function AtpOverBanner({ copy }: { copy: NonNullable<Data["atpCopy"]> }) {
  if (!copy.current.over) {
    return (
      <Banner tone="warning" title="Checkout still reads an ATP copy that was over the size">
        With the current rules and figures it fits ({num(copy.current.skus)} SKUs, {num(copy.current.bytes)} of {num(copy.maxBytes)} bytes): the heartbeat writes it within a minute.
      </Banner>
    );
  }
  return (
    <Banner tone="critical" title="Checkout cannot read any ATP figure: the ATP rules govern too many SKUs">
      <BlockStack gap="200">
        <Text as="p">
          The ATP rules govern {num(copy.current.skus)} SKUs; their stock figures take {num(copy.current.bytes)} bytes, and checkout can carry {copy.capacity === null ? "" : `about ${num(copy.capacity)} SKUs' `}
          figures ({num(copy.maxBytes)} bytes). Until that changes, no ATP figure reaches checkout, so:
        </Text>
        <List>
          {copy.rules.map((r) => (
            <List.Item key={r.id}>
              {r.name} ({num(r.skus)} SKUs) {EFFECT[r.effect]}.
            </List.Item>
          ))}
        </List>
        <Text as="p">Fix: edit the ATP rule and name the drop&apos;s SKUs or prefixes (HD-*) instead of every SKU, or turn it off.</Text>
      </BlockStack>
    </Banner>
  );
}

function AtpCopyCard({ copy }: { copy: NonNullable<Data["atpCopy"]> }) {
  const stored = copy.stored;
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          ATP figures at checkout
        </Text>
        <Text as="p" variant="bodySm">
          {stored
            ? stored.over
              ? `Checkout reads no figure: the last copy was over the size (${num(copy.maxBytes)} bytes).`
              : `Checkout reads ${num(stored.skus)} SKUs' figures: ${num(stored.bytes)} of ${num(copy.maxBytes)} bytes.`
            : "Not copied to checkout yet."}{" "}
          {stored?.lastWritten ? `Last written ${stored.lastWritten}.` : ""}
        </Text>
        {(copy.current.over !== (stored?.over ?? false) || copy.current.skus !== (stored?.skus ?? 0)) && (
          <Text as="p" variant="bodySm" tone="subdued">
            With the current figures: {num(copy.current.skus)} SKUs, {num(copy.current.bytes)} bytes{copy.current.over ? " (over)" : ""}; the heartbeat writes it within a minute.
          </Text>
        )}
        {copy.capacity !== null && (
          <Text as="p" variant="bodySm" tone="subdued">
            Room for about {num(copy.capacity)} SKUs&apos; figures.
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}

function ToolsCard({ data }: { data: Data }) {
  const fetcher = useFetcher<ActionData>();
  const said = fetcher.data && "message" in fetcher.data ? fetcher.data : null;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Clock and counts
        </Text>
        <Text as="p" variant="bodySm">
          {data.clock.coversUntil ? `The function's clock covers until ${data.clock.coversUntil}.` : "No clock written yet."}{" "}
          {data.clock.needed && data.clock.expired && "Time gates and ATP staleness cannot be checked: every ATP figure reads as stale until it is written again."}
        </Text>
        <InlineStack gap="200">
          <fetcher.Form method="post">
            <Hidden revision={data.revision} intent="refreshClock" />
            <Button submit loading={fetcher.state !== "idle"}>
              Write the clock now
            </Button>
          </fetcher.Form>
          <fetcher.Form method="post">
            <Hidden revision={data.revision} intent="publishCounts" />
            <Button submit loading={fetcher.state !== "idle"}>
              Publish customer counts
            </Button>
          </fetcher.Form>
        </InlineStack>
        {said && (
          <Text as="p" tone={said.ok ? "success" : "critical"} variant="bodySm">
            {said.message}
          </Text>
        )}
        <Divider />
        <Text as="p" variant="bodySm" tone="subdued">
          Where counts come from: Shopify does not tell apps when a checkout is blocked, so no one can count real blocks. &quot;Lookups&quot; counts the carts checked on this page; &quot;Replay&quot; runs the last {data.replayDays} days of synced orders through each rule as it is now (what a rule in testing mode would have blocked). Testing-mode rules also write what they would block to Shopify&apos;s function run log.
        </Text>
      </BlockStack>
    </Card>
  );
}

export default function CheckoutRules() {
  const data = useLoaderData<typeof loader>();
  const action = useActionData<typeof action>() as ActionData | undefined;
  const showEditor = data.editing !== null || (action?.intent === "saveRule" && !action.ok);
  const saved = action && action.intent === "saveRule" && action.ok ? action : null;
  const otherMessage = action && action.intent === "saveSettings" ? action : null;

  return (
    <Page title="Checkout rules" subtitle={data.shop} primaryAction={{ content: "Add rule", url: "?edit=new" }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {!data.settings.synced && <Banner tone="warning">The shop&apos;s time zone and currency are not synced yet: UTC and USD are assumed.</Banner>}
            {!data.validation && <Banner tone="info">Not in Shopify yet: the first save creates the validation that runs these rules at checkout.</Banner>}
            {data.validation && !data.validation.enabled && <Banner tone="warning">Checkout rules are off in Shopify: nothing is checked at checkout.</Banner>}
            {data.atpCopy?.over && <AtpOverBanner copy={data.atpCopy} />}
            {data.problems.length > 0 && (
              <Banner tone="critical" title="The rules stored in Shopify do not pass validation">
                <List>
                  {data.problems.map((p) => (
                    <List.Item key={p}>{p}</List.Item>
                  ))}
                </List>
              </Banner>
            )}
            {saved && (
              <Banner tone="success" title={saved.message}>
                {saved.warnings.length > 0 && (
                  <List>
                    {saved.warnings.map((w) => (
                      <List.Item key={w}>{w}</List.Item>
                    ))}
                  </List>
                )}
              </Banner>
            )}
            {otherMessage && <Banner tone={otherMessage.ok ? "success" : "critical"}>{otherMessage.message}</Banner>}
            {showEditor && <RuleEditor data={data} action={action} />}
            <Card padding="0">
              <IndexTable
                resourceName={{ singular: "rule", plural: "rules" }}
                itemCount={data.rows.length}
                selectable={false}
                emptyState={
                  <Box padding="400">
                    <Text as="p" tone="subdued">
                      No rules yet. <RemixLink to="?edit=new">Add one</RemixLink>: new rules start in testing mode.
                    </Text>
                  </Box>
                }
                headings={[{ title: "Rule" }, { title: "Status" }, { title: "What it does" }, { title: "Counts" }, { title: "", alignment: "end" }]}
              >
                {data.rows.map((row, index) => (
                  <IndexTable.Row id={row.id} key={row.id} position={index}>
                    <IndexTable.Cell>
                      <BlockStack gap="050">
                        <Text as="span" fontWeight="semibold">
                          {row.name}
                        </Text>
                        <Text as="span" variant="bodySm" tone="subdued">
                          {kindLabel(row.kind)} · {row.id}
                        </Text>
                      </BlockStack>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <ModeBadge mode={row.mode} />
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <Text as="span" variant="bodySm" breakWord>
                        {row.summary}
                      </Text>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <CountsCell row={row} days={data.replayDays} />
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <RuleActions row={row} revision={data.revision} />
                    </IndexTable.Cell>
                  </IndexTable.Row>
                ))}
              </IndexTable>
            </Card>
            <LookupCard data={data} />
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <SettingsCard data={data} />
            <ToolsCard data={data} />
            {data.atpCopy && <AtpCopyCard copy={data.atpCopy} />}
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  In Shopify
                </Text>
                <Text as="p" variant="bodySm">
                  {data.validation ? `Validation ${data.validation.id}: ${data.validation.enabled ? "on" : "off"}, ${data.validation.blockOnFailure ? "blocks" : "lets checkout through"} when the function fails.` : "No validation yet."}
                </Text>
                <Text as="p" variant="bodySm" tone="subdued">
                  {data.validationsOnShop} of the {data.maxValidations} validations a shop can have.
                </Text>
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
