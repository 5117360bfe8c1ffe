// Shared by the icon index builder (Node) and the app: one way to turn a brand or issuer name
// into a lookup key. Plain JavaScript so the build script can import it without a compiler.

/**
 * Lower case, accents removed, only letters and digits (any script) kept.
 * @param {string | null | undefined} name
 * @returns {string}
 */
export function normalize(name) {
  return String(name ?? "")
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, "");
}
