// Issuer icons from the simple-icons set, offline: the small name index is bundled, the path
// data is fetched once from the app's own assets when the first icon is drawn.
import { normalize } from "./normalize.js";
import index from "./generated/icon-index.json";

export type Icon = { kind: "brand"; slug: string; hex: string } | { kind: "monogram"; letters: string; hue: number };

const names = index as unknown as Record<string, [string, string]>;
const noise = ["inc", "llc", "ltd", "gmbh", "corp", "corporation", "co", "company", "ag", "sa", "bank", "account", "accounts", "login", "sso", "id"];

function candidates(issuer: string): string[] {
  const lower = issuer.toLowerCase().trim();
  const out = [normalize(lower)];
  // "github.com", "accounts.google.com": the registrable part of a domain.
  const domain = /^(?:https?:\/\/)?(?:[\w-]+\.)*([\w-]+)\.[a-z]{2,}(?:\/.*)?$/.exec(lower);
  if (domain) out.push(normalize(domain[1]));
  const words = lower.split(/[\s:()\-–—,.@/]+/).filter((w) => w && !noise.includes(w));
  if (words.length) {
    out.push(normalize(words.join("")));
    out.push(normalize(words[0]));
  }
  return out.filter(Boolean);
}

/** The icon for an issuer: a brand icon when one matches, otherwise a monogram. */
export function iconFor(issuer: string | null | undefined, name = ""): Icon {
  const label = (issuer ?? "").trim() || name.trim();
  if (issuer) {
    for (const key of candidates(issuer)) {
      const hit = names[key];
      if (hit) return { kind: "brand", slug: hit[0], hex: hit[1] };
    }
  }
  const letters = [...label.replace(/^[^\p{L}\p{N}]+/u, "")].slice(0, 1).join("").toUpperCase() || "?";
  let hash = 0;
  for (const ch of label) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return { kind: "monogram", letters, hue: hash % 360 };
}

let paths: Promise<Record<string, string>> | null = null;

/** SVG path data of a brand icon (24×24 view box). */
export async function iconPath(slug: string): Promise<string | null> {
  paths ??= fetch("/icon-paths.json")
    .then((r) => (r.ok ? r.json() : {}))
    .catch(() => ({}));
  return (await paths)[slug] ?? null;
}

/** Brand colours too dark (or too light) to read on the current background get a neutral tone. */
export function readableHex(hex: string, dark: boolean): string {
  const n = parseInt(hex, 16);
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  const luma = (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
  if (dark && luma < 0.18) return "#d0d4dc";
  if (!dark && luma > 0.85) return "#5b6170";
  return `#${hex}`;
}
