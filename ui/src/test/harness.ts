// Renders the whole app against mocked IPC (@tauri-apps/api/mocks): each test says what Rust
// answers, and sees what the person would see.
import { clearMocks, mockIPC, mockWindows } from "@tauri-apps/api/mocks";
import { vi } from "vitest";
import type { AccountView, Answer, AppStatus, CodeView, Commands, KeychainView, SettingsView } from "../lib/ipc";

/** What Rust would answer to command `K` (a command with no answer may say `null`). */
type Reply<K extends keyof Commands> = Answer<K> extends void ? void | null : Answer<K>;
/** One command's stand-in, typed by the command (see `Commands` in ipc.ts): a renamed field fails the type check. */
export type Handler<K extends keyof Commands> = (args: Commands[K][0]) => Reply<K> | Promise<Reply<K>>;
/** Ninsho's commands, and the plugins' (`plugin:window|close`), which the UI calls through Tauri's own API. */
export type Handlers = { [K in keyof Commands]?: Handler<K> } & { [plugin: `plugin:${string}`]: (args: Record<string, unknown>) => unknown };
export type Calls = { cmd: string; args: Record<string, unknown> }[];

/** An account as `list_accounts` answers it; `label` is what Rust would send for these names. */
export const account = (id: string, issuer: string | null, name: string, extra: Partial<AccountView> = {}): AccountView => {
  const shown_name = extra.shown_name ?? name;
  return {
    id, issuer, name, shown_name, label: issuer ? `${issuer} (${shown_name})` : shown_name, kind: "totp", digits: 6, period: 30,
    pinned: false, group: null, icon: null, icon_pack: null, source: null, domains: [], ...extra,
  };
};

export const available: KeychainView = { state: "available", advice: "The keychain is ready.", detail: null };

/** The settings Rust starts with, and what a test changes. */
export const settings = (extra: Partial<SettingsView> = {}): SettingsView => ({
  theme: "system", language: "en", clipboard_clear_seconds: 30, show_next_code: true, hide_codes: false, clock_server: "pool.ntp.org",
  clock_weekly: false, pick_shortcut: "Ctrl+Alt+K", close_to_tray: true, start_at_login: false, clock_checked_at: null,
  lock_idle_minutes: 5, lock_on_screen_lock: true, lock_on_sleep: true, lock_on_close: false, protect_windows: true, ...extra,
  // Rust resolves the language a setting names ("system" is English here, unless a test says).
  lang: extra.language === "ja" ? "ja" : extra.language === "en" ? "en" : (extra.lang ?? "en"),
});

/** The lock as a vault without the encrypted mode reports it. */
export const unlockedOff = { mode: "off", locked: false, system: false, system_ready: false, rewriting: false, failures: 0, retry_in: null };

/** `app_status` of a ready keychain and an empty vault, and what a test changes. */
export const status = (extra: Partial<AppStatus> = {}): AppStatus => ({
  keychain: available, vault_path: "/tmp/vault.json", account_count: 0, notices: [], orphans: [], vault_error: null,
  pick_shortcut_error: null, tray_shown: true, lock: unlockedOff, ...extra,
});

/** One account's codes as `get_codes` answers them: the code, and as Rust groups it. */
export const codeView = (id: string, code: string | null, grouped: string | null, extra: Partial<CodeView> = {}): CodeView => ({
  id, code, grouped, next: null, valid_from_ms: null, valid_until_ms: null, problem: null, ...extra,
});

export function defaults(): Handlers {
  const now = Date.now();
  return {
    get_settings: () => settings(),
    set_settings: (a) => settings(a.settings),
    app_status: () => status(),
    list_accounts: () => [],
    get_codes: () => ({ now_ms: now, codes: [] }),
    followed_folders: () => [],
    sync_status: () => null,
    paired_browsers: () => [],
    icon_packs: () => [],
    icon_suggestions: () => [],
    note_use: () => undefined,
  };
}

/**
 * The last render: its code timer must not fire into the next test, and its page must not
 * answer the next test's keys.
 */
let previous: { stop: () => void; unmount: () => void } | null = null;

export async function renderApp(handlers: Handlers) {
  previous?.stop();
  previous?.unmount();
  previous = null;
  vi.resetModules();
  clearMocks();
  const calls: Calls = [];
  const all = { ...defaults(), ...handlers };
  mockIPC(
    (cmd, args) => {
      const a = (args ?? {}) as Record<string, unknown>;
      calls.push({ cmd, args: a });
      const handler = (all as Record<string, ((args: unknown) => unknown) | undefined>)[cmd];
      if (!handler) throw { code: "test", message: `unexpected command ${cmd}` };
      return handler(a);
    },
    { shouldMockEvents: true },
  );
  mockWindows("main");
  const { render } = await import("@testing-library/svelte");
  const { default: App } = await import("../App.svelte");
  const { app } = await import("../lib/app.svelte");
  const result = render(App);
  previous = { stop: () => app.stop(), unmount: () => result.unmount() };
  return { ...result, calls, app };
}

/** Waits until `check` stops throwing (UI updates are asynchronous). */
export async function until<T>(check: () => T, timeout = 2000): Promise<T> {
  const start = Date.now();
  for (;;) {
    try {
      return check();
    } catch (e) {
      if (Date.now() - start > timeout) throw e;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

/** The text of the toasts as seen (their visible copy, hidden from screen readers). */
export function seenToasts(): string {
  return document.querySelector(".toasts[aria-hidden=true]")?.textContent ?? "";
}
