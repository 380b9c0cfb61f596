import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file lives in <root>/functions/). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Where Shopify Function extensions live. */
export const EXTENSIONS_DIR = path.join(REPO_ROOT, "extensions");
