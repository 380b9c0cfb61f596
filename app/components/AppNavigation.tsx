import { useEffect, useState } from "react";
import { Link, useLocation } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import { Box, Button, InlineStack, Text } from "@shopify/polaris";

/** The admin areas, in menu order. The first is the app's home. */
export const NAV_LINKS = [
  { to: "/app", label: "Home" },
  { to: "/app/promotions", label: "Promotions" },
  { to: "/app/checkout-rules", label: "Checkout rules" },
  { to: "/app/inventory", label: "Inventory" },
  { to: "/app/orders", label: "Orders" },
  { to: "/app/returns", label: "Returns" },
  { to: "/app/peak", label: "Peak" },
] as const;

type AppBridgeStatus = "unknown" | "present" | "absent";

/**
 * Whether App Bridge's script (from Shopify's CDN) ran. Its script tag is
 * parser-blocking and comes before the app's markup, so by hydration it has
 * either defined `window.shopify` or failed. "unknown" on the server.
 */
export function useAppBridgeStatus(): AppBridgeStatus {
  const [status, setStatus] = useState<AppBridgeStatus>("unknown");
  useEffect(() => {
    setStatus("shopify" in window ? "present" : "absent");
  }, []);
  return status;
}

/**
 * The app's navigation: App Bridge's NavMenu (shown in the admin's sidebar)
 * and, when App Bridge is not there (CDN unreachable, app opened outside the
 * admin), the same links as Polaris buttons at the top of the page.
 */
export function AppNavigation() {
  const status = useAppBridgeStatus();
  const { pathname, search } = useLocation();

  if (status === "absent") {
    return (
      <Box paddingInline="400" paddingBlockStart="400">
        <InlineStack gap="200" blockAlign="center" wrap>
          {NAV_LINKS.map((link) => (
            // Keep the query (shop, host, id_token) so the next page can authenticate without App Bridge.
            <Button key={link.to} url={`${link.to}${search}`} variant={pathname === link.to ? "primary" : "tertiary"}>
              {link.label}
            </Button>
          ))}
          <Text as="span" variant="bodySm" tone="subdued">
            App Bridge is not loaded: navigation is shown here instead of the admin sidebar.
          </Text>
        </InlineStack>
      </Box>
    );
  }

  return (
    <NavMenu>
      {NAV_LINKS.map((link, index) => (
        <Link key={link.to} to={link.to} rel={index === 0 ? "home" : undefined}>
          {link.label}
        </Link>
      ))}
    </NavMenu>
  );
}
