import fs from "node:fs";
import path from "node:path";
import { GraphQLEnumType } from "graphql";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { API_VERSION } from "~/api-version";
import { SHOPIFY_API_VERSION } from "~/shopify.server";
import { ALL_TOPICS, COMPLIANCE_TOPICS, routeFileFor, SUBSCRIBED_TOPICS, topicEnum } from "~/services/webhooks/topics";
import { loadAdminSchema } from "../../graphql/schema";
import codegenConfig from "../../graphql/codegen";

const ROOT = path.resolve(__dirname, "../..");
const tomlText = fs.readFileSync(path.join(ROOT, "shopify.app.toml"), "utf8");
const toml = parse(tomlText) as {
  embedded: boolean;
  access_scopes: { scopes: string };
  webhooks: { api_version: string; subscriptions: { topics?: string[]; compliance_topics?: string[]; uri: string }[] };
};

describe("one API version everywhere", () => {
  it("shopify.app.toml, shopify.server.ts and codegen use app/api-version.ts", () => {
    expect(toml.webhooks.api_version).toBe(API_VERSION);
    expect(SHOPIFY_API_VERSION).toBe(API_VERSION);
    expect(JSON.stringify(codegenConfig.schema)).toContain(`admin-${API_VERSION}.graphql`);
  });
});

describe("shopify.app.toml", () => {
  const subscriptions = toml.webhooks.subscriptions;
  const topics = subscriptions.flatMap((s) => s.topics ?? []);
  const compliance = subscriptions.flatMap((s) => s.compliance_topics ?? []);

  it("is an embedded app", () => {
    expect(toml.embedded).toBe(true);
  });

  it("subscribes exactly the topics the app handles, compliance ones included", () => {
    expect([...topics].sort()).toEqual([...SUBSCRIBED_TOPICS].sort());
    expect([...compliance].sort()).toEqual([...COMPLIANCE_TOPICS].sort());
  });

  it("names only topics that exist in the Admin API", () => {
    const enumType = loadAdminSchema().getType("WebhookSubscriptionTopic");
    expect(enumType).toBeInstanceOf(GraphQLEnumType);
    const values = new Set((enumType as GraphQLEnumType).getValues().map((v) => v.name));
    for (const topic of SUBSCRIBED_TOPICS) expect(values, topic).toContain(topicEnum(topic));
  });

  it("sends each topic to /webhooks/<topic>, served by the route file named in '# Handled by:'", () => {
    for (const s of subscriptions) {
      const [topic] = [...(s.topics ?? []), ...(s.compliance_topics ?? [])];
      expect(s.uri).toBe(`/webhooks/${topic}`);
      const route = routeFileFor(topic!);
      expect(tomlText).toContain(`# Handled by: ${route}\n  [[webhooks.subscriptions]]\n  ${s.topics ? "topics" : "compliance_topics"} = [ "${topic}" ]`);
      expect(fs.existsSync(path.join(ROOT, route)), route).toBe(true);
      expect(fs.readFileSync(path.join(ROOT, route), "utf8")).toContain(`receiveWebhook(request, "${topic}")`);
    }
  });

  it("has no webhook route without a subscription", () => {
    const routes = fs.readdirSync(path.join(ROOT, "app/routes")).filter((f) => f.startsWith("webhooks."));
    expect(routes.sort()).toEqual(ALL_TOPICS.map((t) => path.basename(routeFileFor(t))).sort());
  });

  it("asks for the scopes every capability needs", () => {
    const scopes = toml.access_scopes.scopes.split(",");
    for (const scope of [
      "write_products", "write_inventory", "read_locations", "read_orders", "write_returns",
      "read_fulfillments", "write_discounts", "write_validations", "write_payment_customizations",
      "write_delivery_customizations", "write_customers",
    ]) {
      expect(scopes).toContain(scope);
    }
  });
});

describe("app proxy", () => {
  const proxy = (parse(tomlText) as { app_proxy?: { url: string; subpath: string; prefix: string } }).app_proxy;

  // Shopify forwards https://<shop>/<prefix>/<subpath>/<rest> to <url>/<rest>.
  const routeFileForProxied = (rest: string) => {
    const forwarded = `${new URL(proxy!.url).pathname.replace(/\/+$/, "")}/${rest}`;
    return path.join(ROOT, "app/routes", `${forwarded.replace(/^\//, "").split("/").join(".")}.tsx`);
  };

  it("is configured under /apps/peakguard", () => {
    expect(proxy).toMatchObject({ prefix: "apps", subpath: "peakguard" });
  });

  it.each(["reservations", "availability"])("forwards /apps/peakguard/%s to a route of the app", (rest) => {
    expect(fs.existsSync(routeFileForProxied(rest)), routeFileForProxied(rest)).toBe(true);
  });
});
