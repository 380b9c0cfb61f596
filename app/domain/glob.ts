/**
 * Whole-string glob shared by promotion exclusions (SKU patterns) and checkout
 * rules (SKU and postal-code patterns): `*` any run of characters, `?` exactly
 * one. Case-sensitive: pass both sides lower- or upper-cased for a
 * case-insensitive match. No RegExp — compiling one is costly in QuickJS, and a
 * pattern is merchant data: a greedy two-pointer match with backtracking to the
 * last `*` is linear enough and cannot blow up.
 */
export function globMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    const c = p < pattern.length ? pattern.charCodeAt(p) : -1;
    if (c === 63 /* ? */ || (c !== 42 && c !== -1 && c === text.charCodeAt(t))) {
      p++;
      t++;
    } else if (c === 42 /* * */) {
      star = p++;
      mark = t;
    } else if (star !== -1) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern.charCodeAt(p) === 42) p++;
  return p === pattern.length;
}
