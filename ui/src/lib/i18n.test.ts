import { describe, expect, it } from "vitest";
import { allKeys, english, englishErrors, errorText, japanese, japaneseErrors, translate } from "./i18n";

const vars = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("i18n", () => {
  it("every English string has a Japanese translation with the same placeholders", () => {
    for (const key of allKeys) {
      const ja = japanese[key];
      expect(ja, key).toBeTruthy();
      expect(vars(ja), key).toEqual(vars(english[key]));
      if (key !== "manual.kind.steam") expect(ja, key).not.toBe(english[key]);
    }
  });

  it("every error code Rust emits has its own English and Japanese message", () => {
    const codes = Object.keys(englishErrors) as (keyof typeof englishErrors)[];
    expect(codes.length).toBeGreaterThan(40);
    expect(Object.keys(japaneseErrors).sort()).toEqual([...codes].sort());
    for (const code of codes) {
      expect(englishErrors[code], code).toMatch(/\S/);
      expect(japaneseErrors[code], code).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
      expect(vars(japaneseErrors[code]), code).toEqual(vars(englishErrors[code]));
    }
  });

  it("counts with the language's plural forms, never “(s)”", () => {
    expect(translate("en", "preview.found", { n: 1 })).toBe("Found 1 account");
    expect(translate("en", "preview.found", { n: 2 })).toBe("Found 2 accounts");
    expect(translate("en", "preview.found", { n: 0 })).toBe("Found 0 accounts");
    expect(translate("en", "added", { n: 1 })).toBe("Added 1 account");
    expect(translate("en", "export.google.page", { i: 1, n: 2, count: 1 })).toBe("QR code 1 of 2 (1 account in all)");
    expect(translate("ja", "preview.found", { n: 1 })).toBe("1 件のアカウントが見つかりました");
    for (const key of allKeys) expect(english[key], key).not.toMatch(/\(s\)/);
  });

  it("translates errors by code", () => {
    expect(errorText("ja", { code: "paste_files", detail: "notes.txt" })).toBe("クリップボードにあるのは、画像でもバックアップでもないファイルです（notes.txt）。");
    expect(errorText("en", { code: "keychain_locked" })).toMatch(/locked/);
    expect(errorText("ja", { code: "not_found" })).toBe("このアカウントはもうありません。");
    expect(translate("en", "copied", { code: "123 456" })).toBe("Copied 123 456");
  });
});
