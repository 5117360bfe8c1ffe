import { describe, expect, it } from "vitest";
import { allKeys, english, errorText, japanese, systemLang, translate } from "./i18n";

describe("i18n", () => {
  it("every English string has a Japanese translation with the same placeholders", () => {
    for (const key of allKeys) {
      const ja = japanese[key];
      expect(ja, key).toBeTruthy();
      const vars = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(vars(ja), key).toEqual(vars(english[key]));
      if (key !== "manual.kind.steam") expect(ja, key).not.toBe(english[key]);
    }
  });

  it("follows the system language, English otherwise", () => {
    expect(systemLang(["ja-JP", "en-US"])).toBe("ja");
    expect(systemLang(["de-DE", "en-GB"])).toBe("en");
    expect(systemLang(["fr-FR"])).toBe("en");
  });

  it("translates errors by code and falls back to Rust's message", () => {
    expect(errorText("ja", { code: "clipboard_empty", message: "x" })).toBe("クリップボードに画像もテキストもありません。");
    expect(errorText("en", { code: "keychain_locked", message: "x" })).toMatch(/locked/);
    expect(errorText("en", { code: "something_new", message: "Rust says so" })).toBe("Rust says so");
    expect(translate("en", "copied", { code: "123 456" })).toBe("Copied 123 456");
  });
});
