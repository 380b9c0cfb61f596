/**
 * RMA numbers: opaque, random, typeable. `RMA-7K3Q-9XH2-M`: 8 Crockford
 * base-32 symbols (40 random bits, no sequential id leaks how many returns a
 * shop has) and a check symbol that catches a mistyped or swapped character.
 * The caller supplies the random bytes (crypto in the service), so this stays pure.
 */

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

function checkSymbol(symbols: string): string {
  let sum = 0;
  for (let i = 0; i < symbols.length; i++) sum += ALPHABET.indexOf(symbols[i] as string) * (i + 1);
  return ALPHABET[sum % 31] as string;
}

/** Five random bytes (40 bits) → an RMA number. */
export function formatRmaNumber(bytes: Uint8Array): string {
  if (bytes.length < 5) throw new RangeError(`formatRmaNumber: needs 5 random bytes, got ${bytes.length}`);
  let bits = 0n;
  for (let i = 0; i < 5; i++) bits = (bits << 8n) | BigInt(bytes[i] as number);
  let symbols = "";
  for (let i = 7; i >= 0; i--) symbols += ALPHABET[Number((bits >> BigInt(i * 5)) & 31n)];
  return `RMA-${symbols.slice(0, 4)}-${symbols.slice(4)}-${checkSymbol(symbols)}`;
}

/** Reads what staff typed: case-insensitive, O → 0, I/L → 1, dashes optional. Null when not a valid RMA number. */
export function parseRmaNumber(text: string): string | null {
  const cleaned = text
    .trim()
    .toUpperCase()
    .replace(/^RMA/, "")
    .replace(/[-\s]/g, "")
    .replace(/O/g, "0")
    .replace(/[IL]/g, "1");
  if (!/^[0-9A-HJKMNP-TV-Z]{9}$/.test(cleaned)) return null;
  const symbols = cleaned.slice(0, 8);
  if (checkSymbol(symbols) !== cleaned[8]) return null;
  return `RMA-${symbols.slice(0, 4)}-${symbols.slice(4)}-${cleaned[8]}`;
}
