// The UI's languages: choosing one, and the strings and error texts in it. The strings are one
// file per language (lang/en.ts, lang/ja.ts); the error tables are typed by the ErrorCode union
// generated from Rust, so a code without an English or a Japanese message fails the type check.
import type { ErrorCode } from "./bindings/ErrorCode";
import { en, englishOne, enErrors, type Key } from "./lang/en";
import { ja, jaErrors } from "./lang/ja";

export type { Key };

/** A language Ninsho speaks (Rust resolves the setting's `System`). */
export type { Lang } from "./bindings/Lang";
import type { Lang } from "./bindings/Lang";

const dictionaries: Record<Lang, Record<Key, string>> = { en, ja };
const errorTables: Record<Lang, Record<ErrorCode, string>> = { en: enErrors, ja: jaErrors };

const pluralForms: Record<Lang, Partial<Record<Intl.LDMLPluralRule, Partial<Record<Key, string>>>>> = {
  en: { one: englishOne },
  ja: {},
};

export function translate(lang: Lang, key: Key, vars: Record<string, string | number> = {}): string {
  const count = vars.count ?? vars.n;
  const form = typeof count === "number" ? pluralForms[lang][new Intl.PluralRules(lang).select(count)]?.[key] : undefined;
  const text = form ?? dictionaries[lang][key] ?? en[key];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? ""));
}

/** What an error from Rust says, in the person's language ({detail}: the error's detail, such as
 * the name of a file that is in the way). */
export function errorText(lang: Lang, error: { code: ErrorCode; detail?: string | null }): string {
  return errorTables[lang][error.code].replace("{detail}", error.detail ?? "");
}

export const allKeys = Object.keys(en) as Key[];
export { en as english, ja as japanese, enErrors as englishErrors, jaErrors as japaneseErrors };
