import { describe, expect, it } from "vitest";
import { evaluate } from "~/domain/validation/evaluate";
import { countOf, formatAmount, formatWallTime, listItems, pickLanguage, templates, type Lang, type MessageCode } from "~/domain/validation/messages";
import type { Rule } from "~/domain/validation/types";
import { atpFigure, blindClock, cart, clockAt, customer, ruleSet, type CartOptions, type Line } from "./helpers";

const LANGS: Lang[] = ["en", "fr", "de"];
const placeholders = (template: string) => [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("catalogs", () => {
  const en = templates("en");
  const codes = Object.keys(en) as MessageCode[];

  it("has 24 messages in English", () => {
    expect(codes).toHaveLength(24);
  });

  it.each(LANGS)("%s has every message, with the same placeholders as English", (lang) => {
    const table = templates(lang);
    expect(Object.keys(table).sort()).toEqual([...codes].sort());
    for (const code of codes) expect([code, placeholders(table[code])]).toEqual([code, placeholders(en[code])]);
  });

  it.each([
    ["EN", "en"],
    ["FR", "fr"],
    ["FR_CA", "fr"],
    ["de", "de"],
    ["DE_CH", "de"],
    ["ES", "en"],
    ["PT_BR", "en"],
    ["", "en"],
  ])("language %s → %s", (iso, lang) => {
    expect(pickLanguage(iso)).toBe(lang);
  });
});

describe("formatting without Intl", () => {
  it.each([
    ["en", 123450, 2, "1,234.50 USD"],
    ["fr", 123450, 2, "1\u202f234,50 USD"],
    ["de", 123450, 2, "1.234,50 USD"],
    ["en", 7500, 0, "7,500 JPY"],
    ["de", 5, 2, "0,05 USD"],
    ["en", 1234567890, 3, "1,234,567.890 USD"],
  ] as [Lang, number, number, string][])("%s %i minor units, exponent %i → %s", (lang, minor, exponent, expected) => {
    const code = expected.slice(-3);
    expect(formatAmount(minor, exponent, code, lang)).toBe(expected);
  });

  it.each([
    ["en", "Nov 27, 2026 at 10:00"],
    ["fr", "27 nov. 2026 à 10:00"],
    ["de", "27. Nov. 2026 um 10:00"],
  ] as [Lang, string][])("%s wall time", (lang, expected) => {
    expect(formatWallTime("2026-11-27T10:00:00", lang)).toBe(expected);
  });

  it("counts and lists in each language", () => {
    expect([countOf(1, "en"), countOf(2, "en"), countOf(0, "fr"), countOf(2, "fr"), countOf(1, "de")]).toEqual(["1 item", "2 items", "0 article", "2 articles", "1 Artikel"]);
    expect(listItems(["A", "B", "C", "D", "E"], "de")).toBe("A, B, C und 2 weitere");
    expect(listItems(["A", "B"], "fr")).toBe("A et B");
  });
});

/** One failing cart per message a shopper can see, and what it says in each language. */
const CASES: [string, Rule, Line[], CartOptions, Record<Lang, string>, string][] = [
  [
    "maxPerOrder",
    { id: "r", mode: "enforce", kind: "maxPerOrder", skus: ["HD-BLK-M"], max: 2 },
    [["HD-BLK-M", 3]],
    {},
    {
      en: "You can buy at most 2 of Hoodie — Black / M per order. Please reduce the quantity.",
      fr: "Vous pouvez acheter au maximum 2 × Hoodie — Black / M par commande. Veuillez réduire la quantité.",
      de: "Sie können höchstens 2 × Hoodie — Black / M pro Bestellung kaufen. Bitte verringern Sie die Menge.",
    },
    "$.cart.lines[0].quantity",
  ],
  [
    "customerLimit, already bought",
    { id: "r", mode: "enforce", kind: "customerLimit", skus: ["HD-BLK-M"], max: 3, window: { kind: "days", days: 30 }, guests: "allow" },
    [["HD-BLK-M", 2]],
    { customer: customer({ r: 2 }) },
    {
      en: "The limit for Hoodie — Black / M is 3 per customer. You have already bought 2, so you can add 1 more.",
      fr: "La limite pour Hoodie — Black / M est de 3 par client. Vous en avez déjà acheté 2 : vous pouvez en ajouter 1.",
      de: "Das Limit für Hoodie — Black / M beträgt 3 pro Kunde. Sie haben bereits 2 gekauft und können noch 1 hinzufügen.",
    },
    "$.cart.lines[0].quantity",
  ],
  [
    "customerLimit, guest must log in",
    { id: "r", mode: "enforce", kind: "customerLimit", skus: ["HD-BLK-M"], max: 3, window: { kind: "days", days: 30 }, guests: "block" },
    [["HD-BLK-M", 1]],
    {},
    {
      en: "The limit for Hoodie — Black / M is 3 per customer. Please log in to your account to buy it.",
      fr: "La limite pour Hoodie — Black / M est de 3 par client. Veuillez vous connecter à votre compte pour l'acheter.",
      de: "Das Limit für Hoodie — Black / M beträgt 3 pro Kunde. Bitte melden Sie sich in Ihrem Konto an, um den Artikel zu kaufen.",
    },
    "$.cart",
  ],
  [
    "cartQuantity minimum",
    { id: "r", mode: "enforce", kind: "cartQuantity", min: 2 },
    [["A", 1]],
    {},
    {
      en: "Your order must contain at least 2 items.",
      fr: "Votre commande doit contenir au moins 2 articles.",
      de: "Ihre Bestellung muss mindestens 2 Artikel enthalten.",
    },
    "$.cart",
  ],
  [
    "subtotal minimum",
    { id: "r", mode: "enforce", kind: "subtotal", minCents: 500000 },
    [["A", 1]],
    { subtotal: "10.00", currencyCode: "EUR", rate: "0.5" },
    {
      en: "Your order subtotal must be at least 2,500.00 EUR.",
      fr: "Le sous-total de votre commande doit être d'au moins 2\u202f500,00 EUR.",
      de: "Die Zwischensumme Ihrer Bestellung muss mindestens 2.500,00 EUR betragen.",
    },
    "$.cart",
  ],
  [
    "region: country",
    { id: "r", mode: "enforce", kind: "region", countries: ["RU"] },
    [["A", 1]],
    { addresses: [{ countryCode: "RU" }] },
    {
      en: "We don't ship to this country (RU). Please choose another delivery address.",
      fr: "Nous ne livrons pas dans ce pays (RU). Veuillez choisir une autre adresse de livraison.",
      de: "Wir liefern nicht in dieses Land (RU). Bitte wählen Sie eine andere Lieferadresse.",
    },
    "$.cart.deliveryGroups[0].deliveryAddress.countryCode",
  ],
  [
    "region: PO box",
    { id: "r", mode: "enforce", kind: "region", poBoxes: true },
    [["A", 1]],
    { addresses: [{ countryCode: "DE", address1: "Postfach 1234" }] },
    {
      en: "We can't deliver to a PO box. Please enter a street address.",
      fr: "Nous ne pouvons pas livrer à une boîte postale. Veuillez saisir une adresse avec rue et numéro.",
      de: "Wir können nicht an ein Postfach liefern. Bitte geben Sie eine Straßenadresse ein.",
    },
    "$.cart.deliveryGroups[0].deliveryAddress.address1",
  ],
  [
    "timeGate not open",
    { id: "r", mode: "enforce", kind: "timeGate", skus: ["CAP-1"], opensAt: "2026-11-27T18:30:00" },
    [["CAP-1", 1]],
    {},
    {
      en: "Drop Cap goes on sale on Nov 27, 2026 at 18:30 (store time). Please remove it to check out now.",
      fr: "Drop Cap sera en vente le 27 nov. 2026 à 18:30 (heure de la boutique). Veuillez le retirer pour commander maintenant.",
      de: "Drop Cap ist ab 27. Nov. 2026 um 18:30 (Shopzeit) erhältlich. Bitte entfernen Sie den Artikel, um jetzt zu bestellen.",
    },
    "$.cart.lines[0].quantity",
  ],
  [
    "atp: only some left",
    { id: "r", mode: "enforce", kind: "atp", skus: ["CAP-1"], staleAfterSeconds: 300, whenStale: "open" },
    [["CAP-1", 5, atpFigure(2)]],
    {},
    {
      en: "Only 2 of Drop Cap left. Please reduce the quantity to 2 or fewer.",
      fr: "Il ne reste que 2 × Drop Cap. Veuillez réduire la quantité à 2 au maximum.",
      de: "Nur noch 2 × Drop Cap verfügbar. Bitte verringern Sie die Menge auf höchstens 2.",
    },
    "$.cart.lines[0].quantity",
  ],
  [
    "atp: stale, fail closed",
    { id: "r", mode: "enforce", kind: "atp", skus: ["CAP-1"], staleAfterSeconds: 300, whenStale: "closed" },
    [["CAP-1", 1, atpFigure(2, 301)]],
    {},
    {
      en: "We can't confirm stock for Drop Cap right now. Please try again in a few minutes.",
      fr: "Nous ne pouvons pas confirmer le stock de Drop Cap pour le moment. Veuillez réessayer dans quelques minutes.",
      de: "Wir können den Bestand von Drop Cap gerade nicht bestätigen. Bitte versuchen Sie es in ein paar Minuten erneut.",
    },
    "$.cart.lines[0].quantity",
  ],
];

describe.each(CASES)("shopper message: %s", (_name, rule, lines, options, expected, target) => {
  it.each(LANGS.map((lang) => [lang, lang.toUpperCase()] as const))("in %s", (lang, iso) => {
    const result = evaluate(ruleSet([rule]), cart(lines, { ...options, language: iso }), clockAt());
    expect(result.errors).toEqual([{ target, message: expected[lang] }]);
  });
});

it("the fail-closed 'try again' message in each language", () => {
  const rule = { id: "r", mode: "enforce", kind: "maxPerOrder", skus: ["A"], max: "x" } as unknown as Rule;
  const said = LANGS.map((lang) => evaluate(ruleSet([rule], { failureMode: "closed" }), cart([["A", 1]], { language: lang }), blindClock).errors[0]?.message);
  expect(said).toEqual([
    "Checkout is temporarily unavailable. Please try again in a few minutes.",
    "Le paiement est momentanément indisponible. Veuillez réessayer dans quelques minutes.",
    "Der Checkout ist vorübergehend nicht verfügbar. Bitte versuchen Sie es in ein paar Minuten erneut.",
  ]);
});

it("an unsupported language falls back to English", () => {
  const rule: Rule = { id: "r", mode: "enforce", kind: "cartQuantity", max: 1 };
  expect(evaluate(ruleSet([rule]), cart([["A", 2]], { language: "JA" }), clockAt()).errors[0]!.message).toBe(
    "Your order can contain at most 1 item. Please reduce the quantity.",
  );
});
