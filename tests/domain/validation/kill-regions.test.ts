/**
 * Region kill switches at checkout (app/domain/validation/kill-regions.ts): which switch
 * blocks which destination, on which field, in which words, and what never blocks.
 */
import { describe, expect, it } from "vitest";

import { regionKillErrors, type RegionKillInput } from "~/domain/validation/kill-regions";

const FR = { en: "We can't ship to France today.", fr: "Nous ne livrons pas la France aujourd'hui.", "pt-br": "Não entregamos na França hoje." };

function input(countries: (string | null)[], options: { step?: RegionKillInput["buyerJourney"]["step"]; lang?: string } = {}): RegionKillInput {
  return {
    buyerJourney: { step: options.step ?? "CHECKOUT_COMPLETION" },
    localization: { language: { isoCode: options.lang ?? "EN" } },
    cart: { deliveryGroups: countries.map((c) => ({ deliveryAddress: c === null ? null : { countryCode: c } })) },
  };
}
const target = (i: number) => `$.cart.deliveryGroups[${i}].deliveryAddress.countryCode`;

describe("regionKillErrors", () => {
  const cases: [name: string, ks: unknown, inp: RegionKillInput, market: string | null, today: string | null, expected: { target: string; message: string; region: string }[]][] = [
    ["killed country, merchant's message in the shopper's language", { v: 1, region: [{ cc: "FR", msg: FR }] }, input(["FR"], { lang: "FR" }), "eu", "2026-11-27", [{ target: target(0), message: FR.fr, region: "FR" }]],
    ["killed country, regional language falls back to its base", { v: 1, region: [{ cc: "FR", msg: FR }] }, input(["FR"], { lang: "PT_BR" }), "eu", null, [{ target: target(0), message: FR["pt-br"], region: "FR" }]],
    ["killed country, no message in German: ours, in German", { v: 1, region: [{ cc: "FR", msg: FR }] }, input(["FR"], { lang: "DE" }), "eu", null, [{ target: target(0), message: "Wir können derzeit keine Bestellungen mit Lieferung in dieses Land (FR) annehmen. Bitte wählen Sie eine andere Lieferadresse oder versuchen Sie es später erneut.", region: "FR" }]],
    ["killed country, lower-case code in the address", { v: 1, region: [{ cc: "fr" }] }, input(["fr"]), null, null, [{ target: target(0), message: "We can't take orders for delivery to this country (FR) right now. Please choose another delivery address or try again later.", region: "FR" }]],
    ["another country passes", { v: 1, region: [{ cc: "FR" }] }, input(["DE"]), "eu", null, []],
    ["killed market blocks every country in it", { v: 1, region: [{ mk: "eu" }] }, input(["DE", "FR"], { lang: "FR" }), "eu", null, [
      { target: target(0), message: "Nous ne pouvons pas prendre de commandes à livrer dans ce pays (DE) pour le moment. Veuillez choisir une autre adresse de livraison ou réessayer plus tard.", region: "market eu" },
      { target: target(1), message: "Nous ne pouvons pas prendre de commandes à livrer dans ce pays (FR) pour le moment. Veuillez choisir une autre adresse de livraison ou réessayer plus tard.", region: "market eu" },
    ]],
    ["killed market, another market passes", { v: 1, region: [{ mk: "eu" }] }, input(["US"]), "us", null, []],
    ["country in market: both must match", { v: 1, region: [{ cc: "FR", mk: "eu" }] }, input(["FR"]), "row", null, []],
    ["killed market without an address yet: the cart", { v: 1, region: [{ mk: "eu" }] }, input([]), "eu", null, [{ target: "$.cart", message: "We can't take orders in your region right now. Please try again later.", region: "market eu" }]],
    ["killed country without an address yet: nothing to block", { v: 1, region: [{ cc: "FR" }] }, input([null]), "eu", null, []],
    ["expiry: still active on its last day", { v: 1, region: [{ cc: "FR", until: "2026-11-27" }] }, input(["FR"]), null, "2026-11-27", [{ target: target(0), message: "We can't take orders for delivery to this country (FR) right now. Please choose another delivery address or try again later.", region: "FR" }]],
    ["expiry: ignored the day after", { v: 1, region: [{ cc: "FR", until: "2026-11-27" }] }, input(["FR"]), null, "2026-11-28", []],
    ["cart page: waits for checkout", { v: 1, region: [{ cc: "FR" }, { mk: "eu" }] }, input(["FR"], { step: "CART_INTERACTION" }), "eu", null, []],
    ["checkout interaction blocks", { v: 1, region: [{ cc: "FR" }] }, input(["FR"], { step: "CHECKOUT_INTERACTION" }), null, null, [{ target: target(0), message: "We can't take orders for delivery to this country (FR) right now. Please choose another delivery address or try again later.", region: "FR" }]],
    ["metafield absent", null, input(["FR"]), "eu", null, []],
    ["metafield not JSON", "{nope", input(["FR"]), "eu", null, []],
    ["another version", { v: 2, region: [{ cc: "FR" }] }, input(["FR"]), "eu", null, []],
    ["region not a list", { v: 1, region: "FR" }, input(["FR"]), "eu", null, []],
    ["an entry with an unreadable expiry is dropped, the others kept", { v: 1, region: [{ cc: "FR", until: "soon" }, { cc: "DE" }] }, input(["FR", "DE"]), "eu", null, [{ target: target(1), message: "We can't take orders for delivery to this country (DE) right now. Please choose another delivery address or try again later.", region: "DE" }]],
    ["only payment switches", { v: 1, pay: [{ name: "PayPal" }] }, input(["FR"]), "eu", null, []],
    ["the metafield's value as a string", JSON.stringify({ v: 1, region: [{ cc: "FR", msg: FR }] }), input(["FR"]), "eu", null, [{ target: target(0), message: FR.en, region: "FR" }]],
  ];

  it.each(cases)("%s", (_name, ks, inp, market, today, expected) => {
    expect(regionKillErrors(ks, inp, market, today)).toEqual(expected);
  });
});
