// The WebExtension API under one name: Firefox's promise-based `browser`, or Chromium's
// `chrome` (promise-based too in Manifest V3).

export const api: typeof chrome = (globalThis as { browser?: typeof chrome }).browser ?? chrome;

/** The browser this build runs in, as Ninsho names it in its pairing dialog. */
export function browserName(): string {
  return navigator.userAgent.includes("Firefox/") ? "Firefox" : "Chromium";
}
