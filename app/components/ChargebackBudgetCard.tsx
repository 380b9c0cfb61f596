/**
 * The dashboard's chargeback card: this month's disputes, losses and fraud
 * cancellations (shop time zone) against the budget the merchant sets, with
 * the budget form (field-level errors from the route's action).
 */
import { useState, type ReactNode } from "react";
import { useFetcher } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, InlineStack, ProgressBar, Text, TextField, type BadgeProps } from "@shopify/polaris";
import {
  formatMinor,
  type BudgetFieldErrors,
  type BudgetStanding,
  type ChargebackBudget,
  type LimitState,
  type Month,
  type MonthTally,
} from "~/domain/orders/chargebacks";
import { toDecimalString } from "~/domain/money";

/** What the card shows: the domain's month tally (its month without the instants), budget and standing. */
export interface ChargebackCardView {
  tally: Omit<MonthTally, "month"> & { month: Pick<Month, "key" | "label" | "timeZone"> };
  budget: ChargebackBudget | null;
  standing: BudgetStanding | null;
  currencyMismatch: string | null;
}

export interface BudgetFormResult {
  ok: boolean;
  message: string;
  errors?: BudgetFieldErrors;
}

const STATE_TONE: Record<LimitState, BadgeProps["tone"]> = { within: "success", near: "warning", over: "critical" };
const STATE_LABEL: Record<LimitState, string> = { within: "Within budget", near: "Near the budget", over: "Over budget" };

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <InlineStack align="space-between" gap="200" wrap={false}>
      <Text as="span" tone="subdued">
        {label}
      </Text>
      <Text as="span" numeric>
        {children}
      </Text>
    </InlineStack>
  );
}

/** Posts intent=budget to the route it is rendered in (the dashboard's action). */
export function ChargebackBudgetCard({ card, shopCurrency }: { card: ChargebackCardView; shopCurrency: string | null }) {
  const fetcher = useFetcher<BudgetFormResult>();
  const result = fetcher.data;
  const busy = fetcher.state !== "idle";
  const { tally, budget, standing } = card;
  const currency = budget?.currencyCode ?? shopCurrency ?? tally.currencyCode;
  const [amount, setAmount] = useState(budget ? toDecimalString(budget.amountMinor, budget.currencyCode) : "");
  const [maxDisputes, setMaxDisputes] = useState(budget?.maxDisputes?.toString() ?? "");
  const [maxFraud, setMaxFraud] = useState(budget?.maxFraudCancellations?.toString() ?? "");
  const errors = result && !result.ok ? (result.errors ?? {}) : {};
  const money = (minor: number) => formatMinor(minor, tally.currencyCode);

  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Chargeback budget
          </Text>
          {standing ? <Badge tone={STATE_TONE[standing.state]}>{STATE_LABEL[standing.state]}</Badge> : <Badge>No budget set</Badge>}
        </InlineStack>
        <Text as="p" variant="bodySm" tone="subdued">
          {tally.month.label}, in {tally.month.timeZone}
        </Text>
        {standing?.state === "over" && (
          <Banner tone="critical" title="Over the chargeback budget">
            <BlockStack gap="100">
              {standing.messages.map((message) => (
                <Text as="p" key={message}>
                  {message}
                </Text>
              ))}
            </BlockStack>
          </Banner>
        )}
        {standing?.state === "near" && (
          <Banner tone="warning" title="Close to the chargeback budget">
            <BlockStack gap="100">
              {standing.messages.map((message) => (
                <Text as="p" key={message}>
                  {message}
                </Text>
              ))}
            </BlockStack>
          </Banner>
        )}
        {card.currencyMismatch && <Banner tone="warning">{card.currencyMismatch}</Banner>}
        <Row label="Disputes opened">{tally.opened}</Row>
        <Row label="Open now">{`${tally.openNow} (${money(tally.openNowMinor)})`}</Row>
        <Row label="Lost">{`${tally.lost} (${money(tally.lostMinor)})`}</Row>
        <Row label="Won">{tally.won}</Row>
        <Row label="Cancelled as fraud">{`${tally.fraudCancellations} (${money(tally.fraudCancelledMinor)})`}</Row>
        {tally.otherCurrency.length > 0 && (
          <Text as="p" variant="bodySm" tone="subdued">
            Not added (another currency): {tally.otherCurrency.map((o) => `${o.what} ${formatMinor(o.amountMinor, o.currencyCode)}`).join("; ")}
          </Text>
        )}
        {standing &&
          standing.limits.map((limit) => (
            <BlockStack gap="100" key={limit.limit}>
              <InlineStack align="space-between">
                <Text as="span" variant="bodySm">
                  {limit.label}
                </Text>
                <Text as="span" variant="bodySm" tone={limit.state === "over" ? "critical" : undefined}>
                  {limit.limit === "lostAmount" ? `${formatMinor(limit.used, currency)} of ${formatMinor(limit.allowed, currency)}` : `${limit.used} of ${limit.allowed}`}
                  {limit.percent !== null ? ` (${limit.percent}%)` : ""}
                </Text>
              </InlineStack>
              <ProgressBar
                progress={limit.percent === null ? (limit.used > 0 ? 100 : 0) : Math.min(100, limit.percent)}
                tone={limit.state === "over" ? "critical" : limit.state === "near" ? "highlight" : "success"}
                size="small"
              />
            </BlockStack>
          ))}
        <fetcher.Form method="post">
          <input type="hidden" name="intent" value="budget" />
          <BlockStack gap="200">
            <TextField
              label={`Lost to chargebacks per month (${currency})`}
              name="amount"
              value={amount}
              onChange={setAmount}
              autoComplete="off"
              inputMode="decimal"
              error={errors.amount ?? errors.currencyCode}
            />
            <BlockStack gap="200">
              <TextField
                label="Disputes per month"
                name="maxDisputes"
                value={maxDisputes}
                onChange={setMaxDisputes}
                autoComplete="off"
                inputMode="numeric"
                helpText="Empty: no limit"
                error={errors.maxDisputes}
              />
              <TextField
                label="Fraud cancellations per month"
                name="maxFraudCancellations"
                value={maxFraud}
                onChange={setMaxFraud}
                autoComplete="off"
                inputMode="numeric"
                helpText="Empty: no limit"
                error={errors.maxFraudCancellations}
              />
            </BlockStack>
            <InlineStack align="end">
              <Button submit loading={busy}>
                Save budget
              </Button>
            </InlineStack>
            {result?.ok && (
              <Text as="p" tone="success">
                {result.message}
              </Text>
            )}
          </BlockStack>
        </fetcher.Form>
      </BlockStack>
    </Card>
  );
}
