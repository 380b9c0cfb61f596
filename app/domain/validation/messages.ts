/**
 * What shoppers read when a rule blocks their checkout, in English, French and German
 * (any other language falls back to English). Each message names the item and says what
 * to do. Templates are plain strings with {placeholders}; no Intl (a Function has none):
 * numbers, money and dates are formatted by hand.
 */

export type Lang = "en" | "fr" | "de";

/** Shopify's LanguageCode ("EN", "FR", "FR_CA", "DE", "de") → one we have; English otherwise. */
export function pickLanguage(isoCode: string | null | undefined): Lang {
  const two = typeof isoCode === "string" ? isoCode.slice(0, 2).toLowerCase() : "";
  return two === "fr" || two === "de" ? two : "en";
}

/** Message codes and the placeholders each one fills. */
export interface MessageParams {
  maxPerOrder: { item: string; max: number };
  maxPerOrderTotal: { items: string; count: string };
  customerLimit: { items: string; max: number };
  customerLimitLeft: { items: string; max: number; already: number; left: number };
  customerLimitReached: { items: string; max: number; already: number };
  loginRequired: { items: string; max: number };
  limitUnverified: { items: string };
  cartMin: { count: string };
  cartMax: { count: string };
  subtotalMin: { amount: string };
  subtotalMax: { amount: string };
  countryBlocked: { country: string };
  provinceBlocked: { province: string };
  postalBlocked: { zip: string };
  poBox: Record<string, never>;
  notYetOnSale: { item: string; when: string };
  noLongerOnSale: { item: string };
  saleUnverified: { item: string };
  soldOut: { item: string };
  onlyLeft: { item: string; available: number };
  stockUnconfirmed: { item: string };
  unavailable: Record<string, never>;
  regionPaused: { country: string };
  marketPaused: Record<string, never>;
}
export type MessageCode = keyof MessageParams;

/**
 * The templates: one "code=template" line per message, per language. Kept as one string
 * per language and split the first time a message in that language is needed: inside the
 * function, loading code costs ~670 Wasm instructions a byte and a string literal ~160, and
 * most carts pass every rule and never need a message at all.
 */
const CATALOGS: Record<Lang, string> = {
  en: `
maxPerOrder=You can buy at most {max} of {item} per order. Please reduce the quantity.
maxPerOrderTotal=You can buy at most {count} in total from {items} per order. Please reduce the quantity.
customerLimit=The limit for {items} is {max} per customer. Please reduce the quantity.
customerLimitLeft=The limit for {items} is {max} per customer. You have already bought {already}, so you can add {left} more.
customerLimitReached=The limit for {items} is {max} per customer and you have already bought {already}. Please remove it from your cart.
loginRequired=The limit for {items} is {max} per customer. Please log in to your account to buy it.
limitUnverified=We can't check the purchase limit for {items} right now. Please try again in a few minutes.
cartMin=Your order must contain at least {count}.
cartMax=Your order can contain at most {count}. Please reduce the quantity.
subtotalMin=Your order subtotal must be at least {amount}.
subtotalMax=Your order subtotal can be at most {amount}. Please remove some items.
countryBlocked=We don't ship to this country ({country}). Please choose another delivery address.
provinceBlocked=We don't ship to this region ({province}). Please choose another delivery address.
postalBlocked=We don't ship to postal code {zip}. Please choose another delivery address.
poBox=We can't deliver to a PO box. Please enter a street address.
notYetOnSale={item} goes on sale on {when} (store time). Please remove it to check out now.
noLongerOnSale={item} is no longer on sale. Please remove it from your cart.
saleUnverified=We can't confirm that {item} is on sale right now. Please try again in a few minutes.
soldOut={item} is sold out. Please remove it from your cart.
onlyLeft=Only {available} of {item} left. Please reduce the quantity to {available} or fewer.
stockUnconfirmed=We can't confirm stock for {item} right now. Please try again in a few minutes.
unavailable=Checkout is temporarily unavailable. Please try again in a few minutes.
regionPaused=We can't take orders for delivery to this country ({country}) right now. Please choose another delivery address or try again later.
marketPaused=We can't take orders in your region right now. Please try again later.`,
  fr: `
maxPerOrder=Vous pouvez acheter au maximum {max} × {item} par commande. Veuillez réduire la quantité.
maxPerOrderTotal=Vous pouvez acheter au maximum {count} au total parmi {items} par commande. Veuillez réduire la quantité.
customerLimit=La limite pour {items} est de {max} par client. Veuillez réduire la quantité.
customerLimitLeft=La limite pour {items} est de {max} par client. Vous en avez déjà acheté {already} : vous pouvez en ajouter {left}.
customerLimitReached=La limite pour {items} est de {max} par client et vous en avez déjà acheté {already}. Veuillez le retirer de votre panier.
loginRequired=La limite pour {items} est de {max} par client. Veuillez vous connecter à votre compte pour l'acheter.
limitUnverified=Nous ne pouvons pas vérifier la limite d'achat de {items} pour le moment. Veuillez réessayer dans quelques minutes.
cartMin=Votre commande doit contenir au moins {count}.
cartMax=Votre commande peut contenir au maximum {count}. Veuillez réduire la quantité.
subtotalMin=Le sous-total de votre commande doit être d'au moins {amount}.
subtotalMax=Le sous-total de votre commande ne peut pas dépasser {amount}. Veuillez retirer des articles.
countryBlocked=Nous ne livrons pas dans ce pays ({country}). Veuillez choisir une autre adresse de livraison.
provinceBlocked=Nous ne livrons pas dans cette région ({province}). Veuillez choisir une autre adresse de livraison.
postalBlocked=Nous ne livrons pas au code postal {zip}. Veuillez choisir une autre adresse de livraison.
poBox=Nous ne pouvons pas livrer à une boîte postale. Veuillez saisir une adresse avec rue et numéro.
notYetOnSale={item} sera en vente le {when} (heure de la boutique). Veuillez le retirer pour commander maintenant.
noLongerOnSale={item} n'est plus en vente. Veuillez le retirer de votre panier.
saleUnverified=Nous ne pouvons pas confirmer que {item} est en vente pour le moment. Veuillez réessayer dans quelques minutes.
soldOut={item} est épuisé. Veuillez le retirer de votre panier.
onlyLeft=Il ne reste que {available} × {item}. Veuillez réduire la quantité à {available} au maximum.
stockUnconfirmed=Nous ne pouvons pas confirmer le stock de {item} pour le moment. Veuillez réessayer dans quelques minutes.
unavailable=Le paiement est momentanément indisponible. Veuillez réessayer dans quelques minutes.
regionPaused=Nous ne pouvons pas prendre de commandes à livrer dans ce pays ({country}) pour le moment. Veuillez choisir une autre adresse de livraison ou réessayer plus tard.
marketPaused=Nous ne pouvons pas prendre de commandes dans votre région pour le moment. Veuillez réessayer plus tard.`,
  de: `
maxPerOrder=Sie können höchstens {max} × {item} pro Bestellung kaufen. Bitte verringern Sie die Menge.
maxPerOrderTotal=Sie können pro Bestellung insgesamt höchstens {count} aus {items} kaufen. Bitte verringern Sie die Menge.
customerLimit=Das Limit für {items} beträgt {max} pro Kunde. Bitte verringern Sie die Menge.
customerLimitLeft=Das Limit für {items} beträgt {max} pro Kunde. Sie haben bereits {already} gekauft und können noch {left} hinzufügen.
customerLimitReached=Das Limit für {items} beträgt {max} pro Kunde und Sie haben bereits {already} gekauft. Bitte entfernen Sie den Artikel aus Ihrem Warenkorb.
loginRequired=Das Limit für {items} beträgt {max} pro Kunde. Bitte melden Sie sich in Ihrem Konto an, um den Artikel zu kaufen.
limitUnverified=Wir können das Kauflimit für {items} gerade nicht prüfen. Bitte versuchen Sie es in ein paar Minuten erneut.
cartMin=Ihre Bestellung muss mindestens {count} enthalten.
cartMax=Ihre Bestellung darf höchstens {count} enthalten. Bitte verringern Sie die Menge.
subtotalMin=Die Zwischensumme Ihrer Bestellung muss mindestens {amount} betragen.
subtotalMax=Die Zwischensumme Ihrer Bestellung darf höchstens {amount} betragen. Bitte entfernen Sie einige Artikel.
countryBlocked=Wir liefern nicht in dieses Land ({country}). Bitte wählen Sie eine andere Lieferadresse.
provinceBlocked=Wir liefern nicht in diese Region ({province}). Bitte wählen Sie eine andere Lieferadresse.
postalBlocked=Wir liefern nicht an die Postleitzahl {zip}. Bitte wählen Sie eine andere Lieferadresse.
poBox=Wir können nicht an ein Postfach liefern. Bitte geben Sie eine Straßenadresse ein.
notYetOnSale={item} ist ab {when} (Shopzeit) erhältlich. Bitte entfernen Sie den Artikel, um jetzt zu bestellen.
noLongerOnSale={item} ist nicht mehr erhältlich. Bitte entfernen Sie den Artikel aus Ihrem Warenkorb.
saleUnverified=Wir können gerade nicht bestätigen, dass {item} erhältlich ist. Bitte versuchen Sie es in ein paar Minuten erneut.
soldOut={item} ist ausverkauft. Bitte entfernen Sie den Artikel aus Ihrem Warenkorb.
onlyLeft=Nur noch {available} × {item} verfügbar. Bitte verringern Sie die Menge auf höchstens {available}.
stockUnconfirmed=Wir können den Bestand von {item} gerade nicht bestätigen. Bitte versuchen Sie es in ein paar Minuten erneut.
unavailable=Der Checkout ist vorübergehend nicht verfügbar. Bitte versuchen Sie es in ein paar Minuten erneut.
regionPaused=Wir können derzeit keine Bestellungen mit Lieferung in dieses Land ({country}) annehmen. Bitte wählen Sie eine andere Lieferadresse oder versuchen Sie es später erneut.
marketPaused=Wir können in Ihrer Region derzeit keine Bestellungen annehmen. Bitte versuchen Sie es später erneut.`,
};

const parsed: Partial<Record<Lang, Record<MessageCode, string>>> = {};

/** The templates of one language, by code. */
export function templates(lang: Lang): Record<MessageCode, string> {
  let table = parsed[lang];
  if (!table) {
    table = {} as Record<MessageCode, string>;
    for (const line of CATALOGS[lang].split("\n")) {
      const eq = line.indexOf("=");
      if (eq > 0) table[line.slice(0, eq) as MessageCode] = line.slice(eq + 1);
    }
    parsed[lang] = table;
  }
  return table;
}

/** A message in the shopper's language, placeholders filled. */
export function message<K extends MessageCode>(lang: Lang, code: K, params: MessageParams[K]): string {
  return templates(lang)[code].replace(/\{(\w+)\}/g, (_, name: string) => String((params as Record<string, unknown>)[name]));
}

const WORDS: Record<Lang, [one: string, many: string, and: string, more: string]> = {
  en: ["item", "items", "and", "more"],
  fr: ["article", "articles", "et", "autres"],
  de: ["Artikel", "Artikel", "und", "weitere"],
};

/** "1 item", "3 items", "1 article", "0 article" (French singular up to 1), "3 Artikel". */
export function countOf(n: number, lang: Lang): string {
  const w = WORDS[lang];
  return `${n} ${n === 1 || (lang === "fr" && n === 0) ? w[0] : w[1]}`;
}

/** "A", "A and B", "A, B and C", "A, B, C and 2 more". */
export function listItems(names: readonly string[], lang: Lang): string {
  const w = WORDS[lang];
  if (names.length <= 1) return names[0] ?? "";
  if (names.length <= 3) return `${names.slice(0, -1).join(", ")} ${w[2]} ${names[names.length - 1]}`;
  return `${names.slice(0, 3).join(", ")} ${w[2]} ${names.length - 3} ${w[3]}`;
}

const MONTHS: Record<Lang, string> = {
  en: "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
  fr: "janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc.",
  de: "Jan. Feb. März Apr. Mai Juni Juli Aug. Sept. Okt. Nov. Dez.",
};

/** "2026-11-27T10:00:00" → "Nov 27, 2026 at 10:00" / "27 nov. 2026 à 10:00" / "27. Nov. 2026 um 10:00". */
export function formatWallTime(local: string, lang: Lang): string {
  const year = local.slice(0, 4);
  const month = MONTHS[lang].split(" ")[Number(local.slice(5, 7)) - 1] ?? local.slice(5, 7);
  const day = Number(local.slice(8, 10));
  const time = local.slice(11, 16);
  if (lang === "fr") return `${day} ${month} ${year} à ${time}`;
  if (lang === "de") return `${day}. ${month} ${year} um ${time}`;
  return `${month} ${day}, ${year} at ${time}`;
}

/** minor units + currency → "1,234.50 EUR" / "1 234,50 EUR" / "1.234,50 EUR" (exponent digits after the point). */
export function formatAmount(minor: number, exponent: number, currencyCode: string, lang: Lang): string {
  const negative = minor < 0;
  const digits = String(Math.abs(Math.round(minor))).padStart(exponent + 1, "0");
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  const group = lang === "en" ? "," : lang === "fr" ? "\u202f" : ".";
  let grouped = "";
  for (let i = 0; i < whole.length; i++) {
    if (i > 0 && (whole.length - i) % 3 === 0) grouped += group;
    grouped += whole[i];
  }
  return `${negative ? "-" : ""}${grouped}${exponent > 0 ? (lang === "en" ? "." : ",") + fraction : ""} ${currencyCode}`;
}
