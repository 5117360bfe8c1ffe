// Renders the whole app against mocked IPC (@tauri-apps/api/mocks): each test says what Rust
// answers, and sees what the person would see.
import { clearMocks, mockIPC, mockWindows } from "@tauri-apps/api/mocks";
import { vi } from "vitest";

export type Handler = (args: Record<string, unknown>) => unknown;
export type Calls = { cmd: string; args: Record<string, unknown> }[];

export const account = (id: string, issuer: string | null, name: string, extra: Record<string, unknown> = {}) => ({
  id, issuer, name, shown_name: name, kind: "totp", digits: 6, period: 30, pinned: false, group: null, icon: null, source: null, ...extra,
});

export const available = { state: "available", advice: "The keychain is ready.", detail: null };

export function defaults(): Record<string, Handler> {
  const now = Date.now();
  return {
    get_settings: () => ({ theme: "system", language: "en", clipboard_clear_seconds: 30, show_next_code: true, hide_codes: false, clock_server: "pool.ntp.org", clock_weekly: false, pick_shortcut: "Ctrl+Alt+K", close_to_tray: true, start_at_login: false, clock_checked_at: null }),
    set_settings: (a) => a.settings,
    app_status: () => ({ keychain: available, vault_path: "/tmp/vault.json", account_count: 0, notices: [], orphans: [], vault_error: null, pick_shortcut_error: null, tray_shown: true }),
    list_accounts: () => [],
    get_codes: () => ({ now_ms: now, codes: [] }),
    followed_folders: () => [],
    sync_status: () => null,
  };
}

/**
 * The last render: its code timer must not fire into the next test, and its page must not
 * answer the next test's keys.
 */
let previous: { stop: () => void; unmount: () => void } | null = null;

export async function renderApp(handlers: Record<string, Handler>) {
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
      const handler = all[cmd];
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
