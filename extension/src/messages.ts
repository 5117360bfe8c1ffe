// Ninsho's answers, and how the popup says them in the browser's language (English or
// Japanese, from _locales). A refusal's kind and fields come from Ninsho; its words are ours.

export type Refusal =
  | { kind: "page"; reason: string }
  | { kind: "frame_of_another_site"; frame: string; top: string }
  | { kind: "no_account"; site: string }
  | { kind: "look_alike"; site: string; account: string; sites: string }
  | { kind: "counted_codes"; account: string };

export type Answer =
  | { type: "hello"; paired: boolean; version: string }
  | { type: "paired"; token: string }
  | { type: "pairing_declined" }
  | { type: "not_paired" }
  | { type: "code"; account: string; label: string; code: string; valid_until: number | null }
  | { type: "choose"; accounts: { account: string; label: string }[] }
  | { type: "refused"; refusal: Refusal; message: string }
  | { type: "fill_declined" }
  | { type: "limited"; retry_after: number }
  | { type: "locked"; message: string }
  | { type: "app_not_running"; message: string }
  | { type: "error"; message: string };

type Get = (key: string, subs?: string[]) => string;

/** What the person reads for an answer that fills nothing. */
export function say(get: Get, a: Answer): string {
  switch (a.type) {
    case "refused": {
      const r = a.refusal;
      switch (r.kind) {
        case "no_account":
          return get("no_account", [r.site]);
        case "look_alike":
          return get("look_alike", [r.account, r.sites]);
        case "frame_of_another_site":
          return get("other_site_frame", [r.frame, r.top]);
        case "counted_codes":
          return get("counted_codes", [r.account]);
        case "page":
          return get("not_a_page", [r.reason]);
      }
      return a.message;
    }
    case "pairing_declined":
      return get("pairing_declined");
    case "fill_declined":
      return get("fill_declined");
    case "limited":
      return get("limited", [String(a.retry_after)]);
    case "locked":
      return get("locked");
    case "app_not_running":
      return get("app_not_running");
    case "error":
      return get("error", [a.message]);
    default:
      return get("error", [a.type]);
  }
}
