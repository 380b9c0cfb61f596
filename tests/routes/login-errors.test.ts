import { LoginErrorType } from "@shopify/shopify-app-remix/server";
import { describe, expect, it } from "vitest";
import { loginErrorMessage } from "~/routes/auth.login/error.server";

describe("loginErrorMessage", () => {
  it.each([
    [{ shop: LoginErrorType.MissingShop }, { shop: "Please enter your shop domain to log in" }],
    [{ shop: LoginErrorType.InvalidShop }, { shop: "Please enter a valid shop domain to log in" }],
    [{}, {}],
  ])("maps %j to the shop field's message %j", (loginError, message) => {
    expect(loginErrorMessage(loginError)).toEqual(message);
  });
});
