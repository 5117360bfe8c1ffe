// jsdom lacks a few browser APIs the UI uses.
import { afterEach, vi } from "vitest";

if (!window.matchMedia) {
  window.matchMedia = (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addEventListener: () => {},
      removeEventListener: () => {},
      addListener: () => {},
      removeListener: () => {},
      dispatchEvent: () => false,
    }) as unknown as MediaQueryList;
}
Element.prototype.scrollIntoView ??= function () {};
// Icon path data is an app asset; in tests every icon falls back to its monogram.
globalThis.fetch = vi.fn(async () => new Response("{}", { status: 404 })) as typeof fetch;

afterEach(() => {
  document.body.innerHTML = "";
});
