import { useEffect, useState, type ReactNode } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigate } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  DataTable,
  Divider,
  FormLayout,
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
import type { Finding } from "~/domain/promotions/analyze";
import { adminContext } from "~/services/admin-context.server";
import { blankPromotion, type PromotionForm, type SetForm } from "~/services/promotions/form";
import { NEW_ID, REPLAY_DEFAULT, REPLAY_MAX } from "~/services/promotions/constants";
import { handleEditorAction, loadEditorPage, type ActionData, type Timing } from "~/services/promotions/page.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, admin } = await adminContext(request);
  const page = await loadEditorPage({ prisma, admin, shop, now: new Date() }, params.id ?? NEW_ID);
  if (!page) throw new Response(`No promotion set with id ${params.id}`, { status: 404 });
  return json(page);
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop, admin } = await adminContext(request);
  const { status, data } = await handleEditorAction({ prisma, admin, shop, now: new Date() }, params.id ?? NEW_ID, await request.formData());
  return json(data, { status });
};

const SEVERITY_TONE: Record<string, BadgeProps["tone"]> = { error: "critical", warning: "warning", info: "info" };
const STATUS_TONE: Record<string, BadgeProps["tone"]> = {
  applied: "success",
  capped: "attention",
  floor_reached: "attention",
  does_not_stack: "warning",
  not_eligible: undefined,
  outside_window: undefined,
  excluded: undefined,
  disabled: undefined,
  nothing_to_discount: undefined,
};

type Errors = Record<string, string>;

function errorsOf(data: ActionData | undefined): Errors {
  return data && !data.ok ? data.errors : {};
}

/** A text field bound to one key of a promotion (or the set), its error shown under it. */
function Text1(props: { label: string; value: string; onChange: (v: string) => void; error?: string; help?: ReactNode; type?: "text" | "number" | "datetime-local"; placeholder?: string }) {
  return (
    <TextField
      label={props.label}
      value={props.value}
      onChange={props.onChange}
      autoComplete="off"
      error={props.error}
      helpText={props.help}
      type={props.type ?? "text"}
      placeholder={props.placeholder}
    />
  );
}

function PromotionCard(props: {
  index: number;
  value: PromotionForm;
  errors: Errors;
  timing: Timing | undefined;
  channelExplanation: string;
  shopZone: string;
  onChange: (next: PromotionForm) => void;
  onRemove: () => void;
}) {
  const { index, value: p, errors } = props;
  const set = <K extends keyof PromotionForm>(key: K) => (v: PromotionForm[K]) => props.onChange({ ...p, [key]: v });
  const err = (key: keyof PromotionForm) => errors[`promotions.${index}.${key}`];
  const general = errors[`promotions.${index}`];
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between">
          <Text as="h3" variant="headingSm">
            {p.name || p.id || `Promotion ${index + 1}`} {!p.enabled && <Badge>off</Badge>}
          </Text>
          <Button variant="plain" tone="critical" onClick={props.onRemove}>
            Remove
          </Button>
        </InlineStack>
        {general && (
          <Banner tone="critical">
            <p>{general}</p>
          </Banner>
        )}
        <FormLayout>
          <FormLayout.Group>
            <Text1 label="Id" value={p.id} onChange={set("id")} error={err("id")} help="Used by stacksWith and kill switches." />
            <Text1 label="Name" value={p.name} onChange={set("name")} error={err("name")} />
            <Text1 label="Priority" value={p.priority} onChange={set("priority")} error={err("priority")} type="number" help="Lower applies first; ties by id." />
          </FormLayout.Group>
          <FormLayout.Group>
            <Text1 label="Stacks with" value={p.stacksWith} onChange={set("stacksWith")} error={err("stacksWith")} placeholder="other-id, another-id or *" help="Both promotions must list each other to stack." />
            <Checkbox label="Enabled" checked={p.enabled} onChange={set("enabled")} error={err("enabled")} />
          </FormLayout.Group>
        </FormLayout>
        <Divider />
        <Text as="h4" variant="headingXs">
          Conditions
        </Text>
        <FormLayout>
          <FormLayout.Group>
            <Select
              label="Customers"
              options={[
                { label: "Anyone", value: "any" },
                { label: "New (signed in, no orders)", value: "new" },
                { label: "Returning (signed in, 1+ orders)", value: "returning" },
              ]}
              value={p.segment}
              onChange={(v) => set("segment")(v as PromotionForm["segment"])}
              error={err("segment")}
            />
            <Text1 label="Customer tags (any of)" value={p.tags} onChange={set("tags")} error={err("tags")} placeholder="vip, wholesale" />
          </FormLayout.Group>
          <FormLayout.Group>
            <Text1 label="Countries" value={p.countries} onChange={set("countries")} error={err("countries")} placeholder="US, CA" />
            <Text1 label="Channels" value={p.channels} onChange={set("channels")} error={err("channels")} placeholder="online, pos, web, ios" help={props.channelExplanation} />
          </FormLayout.Group>
          <FormLayout.Group>
            <Text1 label="Cart contains a product from collections" value={p.collections} onChange={set("collections")} error={err("collections")} placeholder="gid://shopify/Collection/123" />
            <Text1 label="Minimum subtotal" value={p.minSubtotal} onChange={set("minSubtotal")} error={err("minSubtotal")} placeholder="50.00" help="Excluded SKUs do not count." />
          </FormLayout.Group>
        </FormLayout>
        <Divider />
        <Text as="h4" variant="headingXs">
          Timing
        </Text>
        <FormLayout>
          <FormLayout.Group>
            <Text1 label="Starts" value={p.windowStart} onChange={set("windowStart")} error={err("windowStart")} type="datetime-local" />
            <Text1 label="Ends (exclusive)" value={p.windowEnd} onChange={set("windowEnd")} error={err("windowEnd")} type="datetime-local" />
            <Text1 label="Time zone of start and end" value={p.windowZone} onChange={set("windowZone")} error={err("windowZone")} help={`IANA name or offset like -05:00; the shop's is ${props.shopZone}.`} />
          </FormLayout.Group>
          <FormLayout.Group>
            <Text1 label="Every week on" value={p.recurringDays} onChange={set("recurringDays")} error={err("recurringDays")} placeholder="fri, sat (empty: every day)" />
            <Text1 label="From (shop time)" value={p.recurringFrom} onChange={set("recurringFrom")} error={err("recurringFrom")} placeholder="18:00" />
            <Text1 label="To (shop time)" value={p.recurringTo} onChange={set("recurringTo")} error={err("recurringTo")} placeholder="20:00 or 24:00" />
          </FormLayout.Group>
        </FormLayout>
        {props.timing && (
          <Text as="p" variant="bodySm" tone="subdued">
            Runs {props.timing.text}.
          </Text>
        )}
        <Divider />
        <Text as="h4" variant="headingXs">
          Discount
        </Text>
        <FormLayout>
          <FormLayout.Group>
            <Select
              label="Type"
              options={[
                { label: "Percent off", value: "percent_off" },
                { label: "Amount off", value: "fixed_off" },
                { label: "Free shipping", value: "free_shipping" },
                { label: "Buy X get Y", value: "buy_x_get_y" },
              ]}
              value={p.actionType}
              onChange={(v) => set("actionType")(v as PromotionForm["actionType"])}
              error={err("actionType")}
            />
            {p.actionType === "percent_off" && <Text1 label="Percent" value={p.percent} onChange={set("percent")} error={err("percent")} type="number" />}
            {p.actionType === "fixed_off" && <Text1 label="Amount" value={p.amount} onChange={set("amount")} error={err("amount")} placeholder="10.00" help="Off each matching unit, or once off the order." />}
            {(p.actionType === "percent_off" || p.actionType === "fixed_off") && (
              <Select
                label="Applies to"
                options={[
                  { label: "Matching lines", value: "matching_lines" },
                  { label: "The order", value: "order" },
                ]}
                value={p.appliesTo}
                onChange={(v) => set("appliesTo")(v as PromotionForm["appliesTo"])}
                error={err("appliesTo")}
              />
            )}
          </FormLayout.Group>
          {(p.actionType === "percent_off" || p.actionType === "fixed_off") && p.appliesTo === "matching_lines" && (
            <Text1 label="Only lines from collections" value={p.actionCollections} onChange={set("actionCollections")} error={err("actionCollections")} help="Empty: the lines the cart condition names, else every line." />
          )}
          {p.actionType === "buy_x_get_y" && (
            <>
              <FormLayout.Group>
                <Text1 label="Buy quantity" value={p.buyQuantity} onChange={set("buyQuantity")} error={err("buyQuantity")} type="number" />
                <Text1 label="Buy from collections" value={p.buyCollections} onChange={set("buyCollections")} error={err("buyCollections")} placeholder="empty: any" />
              </FormLayout.Group>
              <FormLayout.Group>
                <Text1 label="Get quantity" value={p.getQuantity} onChange={set("getQuantity")} error={err("getQuantity")} type="number" />
                <Text1 label="Get percent off" value={p.getPercent} onChange={set("getPercent")} error={err("getPercent")} type="number" />
                <Text1 label="Get from collections" value={p.getCollections} onChange={set("getCollections")} error={err("getCollections")} placeholder="empty: any" />
                <Text1 label="At most, times" value={p.maxApplications} onChange={set("maxApplications")} error={err("maxApplications")} type="number" />
              </FormLayout.Group>
            </>
          )}
          {p.actionType !== "free_shipping" && (
            <Checkbox label="May take the cart to zero (with the set's floor allowing it)" checked={p.allowFreeOrder} onChange={set("allowFreeOrder")} error={err("allowFreeOrder")} />
          )}
        </FormLayout>
        <Divider />
        <FormLayout>
          <FormLayout.Group>
            <Text1 label="Excluded SKUs" value={p.skuPatterns} onChange={set("skuPatterns")} error={err("skuPatterns")} placeholder="GC-*, *-CLR" help="* and ? wildcards, case-insensitive." />
            <Text1 label="Most off one cart" value={p.maxDiscount} onChange={set("maxDiscount")} error={err("maxDiscount")} placeholder="100.00" />
            <Text1 label="Most off, % of what it applies to" value={p.maxPercent} onChange={set("maxPercent")} error={err("maxPercent")} type="number" />
          </FormLayout.Group>
          <FormLayout.Group>
            <Text1 label="Uses per customer" value={p.perCustomerUses} onChange={set("perCustomerUses")} error={err("perCustomerUses")} type="number" help="Needs a signed-in customer. Counted from orders within seconds; a returning customer not counted yet is refused." />
            <Text1 label="Total budget" value={p.totalBudget} onChange={set("totalBudget")} error={err("totalBudget")} placeholder="5000.00" help="What orders already took is counted from orders within seconds; checkouts in flight can overshoot it slightly." />
          </FormLayout.Group>
        </FormLayout>
      </BlockStack>
    </Card>
  );
}

function Findings({ findings }: { findings: Finding[] }) {
  if (findings.length === 0) {
    return (
      <Text as="p" tone="subdued">
        Nothing to report: no promotion is shadowed, no one-sided stacking, no overlapping windows that do not stack.
      </Text>
    );
  }
  return (
    <BlockStack gap="200">
      {findings.map((f, i) => (
        <InlineStack key={i} gap="200" blockAlign="start" wrap={false}>
          <Badge tone={SEVERITY_TONE[f.severity]}>{f.code.replace(/_/g, " ")}</Badge>
          <Text as="p" variant="bodySm">
            {f.message}
          </Text>
        </InlineStack>
      ))}
    </BlockStack>
  );
}

export default function PromotionSetEditor() {
  const data = useLoaderData<typeof loader>();
  const [form, setForm] = useState<SetForm>(data.form);
  const saver = useFetcher<typeof action>();
  const previewer = useFetcher<typeof action>();
  const replayer = useFetcher<typeof action>();
  const navigate = useNavigate();
  const [previewLines, setPreviewLines] = useState("");
  const [previewAt, setPreviewAt] = useState(data.shopNow);
  const [previewCountry, setPreviewCountry] = useState("US");
  const [previewChannel, setPreviewChannel] = useState("");
  const [previewCustomer, setPreviewCustomer] = useState("guest");
  const [previewTags, setPreviewTags] = useState("");
  const [previewShipping, setPreviewShipping] = useState("");
  const [previewPos, setPreviewPos] = useState(false);
  const [replayCount, setReplayCount] = useState(String(REPLAY_DEFAULT));

  const saved = saver.data;
  useEffect(() => {
    if (saved && saved.intent === "save" && saved.ok && saved.created) navigate(`/app/promotions/${encodeURIComponent(saved.id)}`);
  }, [saved, navigate]);

  const errors = errorsOf(saved);
  const findings = saved && saved.ok && (saved.intent === "check" || saved.intent === "save") ? saved.findings : data.findings;
  const timings = saved && saved.ok && (saved.intent === "check" || saved.intent === "save") ? saved.timings : data.timings;
  const bytes = saved && saved.ok && (saved.intent === "check" || saved.intent === "save") ? saved.bytes : data.compiledBytes;
  const warnings = saved && saved.ok && (saved.intent === "check" || saved.intent === "save") ? saved.warnings : {};
  const previewErrors = errorsOf(previewer.data);
  const replayErrors = errorsOf(replayer.data);

  const submit = (fetcher: typeof saver, intent: string, extra: Record<string, string> = {}) =>
    fetcher.submit({ intent, form: JSON.stringify(form), ...extra }, { method: "post" });
  const setPromotion = (index: number, next: PromotionForm) => setForm({ ...form, promotions: form.promotions.map((p, i) => (i === index ? next : p)) });
  const busy = saver.state !== "idle";

  return (
    <Page
      title={data.id === NEW_ID ? "New promotion set" : form.title}
      backAction={{ content: "Promotions", url: "/app/promotions" }}
      titleMetadata={data.status ? <Badge>{data.status.toLowerCase()}</Badge> : undefined}
      primaryAction={{ content: "Save", loading: busy && saver.formData?.get("intent") === "save", disabled: !data.deployed, onAction: () => submit(saver, "save") }}
      secondaryActions={[{ content: "Check", loading: busy && saver.formData?.get("intent") === "check", onAction: () => submit(saver, "check") }]}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {!data.deployed && (
              <Banner tone="warning" title="The promotion-stacking function is not deployed to this shop">
                Saving needs it: deploy the app first.
              </Banner>
            )}
            {data.setProblem && <Banner tone="critical" title={`This discount's set cannot be edited: ${data.setProblem}`} />}
            {errors[""] && (
              <Banner tone="critical" title="The set was not saved">
                <p>{errors[""]}</p>
              </Banner>
            )}
            {saved?.ok && saved.intent === "save" && !saved.created && <Banner tone="success" title="Saved to Shopify" />}
            {Object.keys(warnings).length > 0 && (
              <Banner tone="warning" title="Saved with notes">
                <List>
                  {Object.entries(warnings).map(([key, message]) => (
                    <List.Item key={key}>{message}</List.Item>
                  ))}
                </List>
              </Banner>
            )}
            <Card>
              <FormLayout>
                <TextField label="Title (shown to buyers as the discount's name)" value={form.title} onChange={(title) => setForm({ ...form, title })} autoComplete="off" error={errors.title} />
                <FormLayout.Group>
                  <TextField
                    label="Floor: the cart keeps at least this % of its subtotal"
                    type="number"
                    value={form.floorPercent}
                    onChange={(floorPercent) => setForm({ ...form, floorPercent })}
                    autoComplete="off"
                    error={errors.floorPercent}
                  />
                  <Checkbox label="Allow a free order" checked={form.floorAllowFree} onChange={(floorAllowFree) => setForm({ ...form, floorAllowFree })} error={errors.floorAllowFree} />
                </FormLayout.Group>
                <Text as="p" variant="bodySm">
                  Combine this set with other discounts (not Peakguard&apos;s):
                </Text>
                <InlineStack gap="400">
                  <Checkbox label="Product discounts" checked={form.combineProduct} onChange={(combineProduct) => setForm({ ...form, combineProduct })} error={errors.combineProduct} />
                  <Checkbox label="Order discounts" checked={form.combineOrder} onChange={(combineOrder) => setForm({ ...form, combineOrder })} error={errors.combineOrder} />
                  <Checkbox label="Shipping discounts" checked={form.combineShipping} onChange={(combineShipping) => setForm({ ...form, combineShipping })} error={errors.combineShipping} />
                </InlineStack>
              </FormLayout>
            </Card>
            {form.promotions.map((p, index) => (
              <PromotionCard
                key={index}
                index={index}
                value={p}
                errors={errors}
                timing={timings.find((t) => t.id === p.id)}
                channelExplanation={data.channelExplanation}
                shopZone={data.zone}
                onChange={(next) => setPromotion(index, next)}
                onRemove={() => setForm({ ...form, promotions: form.promotions.filter((_, i) => i !== index) })}
              />
            ))}
            <InlineStack>
              <Button onClick={() => setForm({ ...form, promotions: [...form.promotions, blankPromotion(form.promotions.length, data.zone)] })}>Add promotion</Button>
            </InlineStack>
          </BlockStack>
        </Layout.Section>

        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Stacking analysis
                </Text>
                {bytes !== null && (
                  <Text as="p" variant="bodySm" tone="subdued">
                    The checkout function reads {bytes.toLocaleString("en-US")} of Shopify&apos;s 10,000 bytes.
                  </Text>
                )}
                <Findings findings={findings} />
                <Text as="p" variant="bodySm" tone="subdued">
                  Per-SKU worst cases use up to {data.catalogSize} mirrored variants. Press Check to analyze unsaved changes.
                </Text>
              </BlockStack>
            </Card>

            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Preview a cart
                </Text>
                <TextField label="SKUs (one per line, SKU x quantity)" value={previewLines} onChange={setPreviewLines} multiline={4} autoComplete="off" error={previewErrors.previewLines} />
                <TextField label="Shop time" type="datetime-local" value={previewAt} onChange={setPreviewAt} autoComplete="off" error={previewErrors.previewAt} helpText={data.zone} />
                <InlineStack gap="200">
                  <TextField label="Country" value={previewCountry} onChange={setPreviewCountry} autoComplete="off" />
                  <TextField label="Channel attribute" value={previewChannel} onChange={setPreviewChannel} autoComplete="off" placeholder="online" />
                </InlineStack>
                <Checkbox label="POS sale (retail location)" checked={previewPos} onChange={setPreviewPos} />
                <Select
                  label="Buyer"
                  options={[
                    { label: "Guest", value: "guest" },
                    { label: "New customer", value: "new" },
                    { label: "Returning customer", value: "returning" },
                  ]}
                  value={previewCustomer}
                  onChange={setPreviewCustomer}
                />
                <TextField label="Customer tags" value={previewTags} onChange={setPreviewTags} autoComplete="off" />
                <TextField label="Shipping cost" value={previewShipping} onChange={setPreviewShipping} autoComplete="off" placeholder="6.95" error={previewErrors.previewShipping} />
                <Button
                  loading={previewer.state !== "idle"}
                  onClick={() =>
                    submit(previewer, "preview", {
                      previewLines,
                      previewAt,
                      previewCountry,
                      previewChannel,
                      previewCustomer,
                      previewTags,
                      previewShipping,
                      previewPos: previewPos ? "on" : "",
                    })
                  }
                >
                  Run preview
                </Button>
                {previewer.data && !previewer.data.ok && Object.keys(previewErrors).some((k) => !k.startsWith("preview")) && (
                  <Banner tone="critical" title="Fix the set first">
                    <List>
                      {Object.entries(previewErrors).filter(([k]) => !k.startsWith("preview")).map(([k, m]) => (
                        <List.Item key={k}>{m}</List.Item>
                      ))}
                    </List>
                  </Banner>
                )}
                {previewer.data?.ok && previewer.data.intent === "preview" && (
                  <BlockStack gap="200">
                    <Text as="p" variant="bodySm" tone="subdued">
                      At {previewer.data.preview.shopLocal.replace("T", " ")} shop time: {previewer.data.preview.subtotal} − {previewer.data.preview.discount} = {previewer.data.preview.total}
                      {previewer.data.preview.shipping ? `; shipping: ${previewer.data.preview.shipping}` : ""}
                    </Text>
                    <DataTable
                      columnContentTypes={["text", "numeric", "numeric", "numeric"]}
                      headings={["SKU", "Qty", "Subtotal", "Discount"]}
                      rows={previewer.data.preview.lines.map((l) => [l.sku, l.quantity, l.subtotal, l.discount])}
                    />
                    {previewer.data.preview.explanations.map((e) => (
                      <InlineStack key={e.promotionId} gap="200" blockAlign="start" wrap={false}>
                        <Badge tone={STATUS_TONE[e.status]}>{e.status.replace(/_/g, " ")}</Badge>
                        <Text as="p" variant="bodySm">
                          {e.promotionId}: {e.reason}
                        </Text>
                      </InlineStack>
                    ))}
                  </BlockStack>
                )}
              </BlockStack>
            </Card>

            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Replay on past orders
                </Text>
                <TextField label={`Last N synced orders (1–${REPLAY_MAX})`} type="number" value={replayCount} onChange={setReplayCount} autoComplete="off" error={replayErrors.replayCount} />
                <Button loading={replayer.state !== "idle"} onClick={() => submit(replayer, "replay", { replayCount })}>
                  Replay
                </Button>
                {replayer.data?.ok && replayer.data.intent === "replay" && (
                  <BlockStack gap="200">
                    <List>
                      <List.Item>
                        {replayer.data.replay.affected} of {replayer.data.replay.orders} orders affected ({replayer.data.replay.share})
                      </List.Item>
                      <List.Item>Total discount: {replayer.data.replay.total}</List.Item>
                      <List.Item>Largest: {replayer.data.replay.largestText ?? "none"}</List.Item>
                      <List.Item>Carts where a cap or the floor cut a promotion: {replayer.data.replay.hitCap}</List.Item>
                      {replayer.data.replay.unmatchedLines > 0 && <List.Item>{replayer.data.replay.unmatchedLines} order lines no longer in the catalog mirror (no collections)</List.Item>}
                    </List>
                    {replayer.data.replay.caveats.map((c) => (
                      <Text key={c} as="p" variant="bodySm" tone="subdued">
                        {c}
                      </Text>
                    ))}
                  </BlockStack>
                )}
              </BlockStack>
            </Card>
            <Box />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
