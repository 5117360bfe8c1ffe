// The window as a screen reader meets it: axe-core over the main window and every dialog and
// panel a person can open, with Rust mocked at the IPC boundary. Each audit prints one line
// (violations by impact, rules passed) and fails on any serious or critical violation.
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import { fireEvent, screen, within } from "@testing-library/svelte";
import axe from "axe-core";
import { describe, expect, it, vi } from "vitest";
import type { ScanPreview } from "./lib/ipc";
import { account, codeView, defaults, renderApp, settings, status, until, type Handlers } from "./test/harness";

/** Runs axe over the window as it is (a dialog with the page behind it) and says what it found, in one line. */
async function audit(name: string) {
  const result = await axe.run(document, {
    // jsdom lays nothing out and paints nothing: colour contrast cannot be computed here.
    rules: { "color-contrast": { enabled: false } },
    resultTypes: ["violations"],
  });
  const by = (impact: string) => result.violations.filter((v) => v.impact === impact).length;
  console.log(
    `axe ${name}: critical ${by("critical")}, serious ${by("serious")}, moderate ${by("moderate")}, minor ${by("minor")}; ${result.passes.length} rules passed${result.violations.length ? ` (${result.violations.map((v) => `${v.id}: ${v.impact}`).join(", ")})` : ""}`,
  );
  const blocking = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(blocking.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.html).join(" | ")}`)).toEqual([]);
}

const dialog = (name?: string) => until(() => (name ? screen.getByRole("dialog", { name }) : screen.getByRole("dialog")));

function codes(ids: string[]) {
  const now = Date.now();
  const from = now - (now % 30000);
  return () => ({
    now_ms: now,
    codes: ids.map((id) => codeView(id, "123456", "123 456", { next: "654 321", valid_from_ms: from, valid_until_ms: from + 30000 })),
  });
}

const accounts = [
  account("a1", "GitHub", "alice@example.com"),
  account("a2", "Example Bank", "bob", { pinned: true }),
  account("a3", "VPN", "ops", { kind: "hotp", period: null }),
  account("a4", "Fastmail", "victor", {
    source: { folder: "f1", path: "/home/mika/Sync/aegis", app: "Aegis", removed: 1796173441, edited_here: false },
  }),
];

const preview: ScanPreview = {
  token: "tok-1", source: "file", file_name: "shot.png", codes_found: 1, format: null,
  items: [
    { index: 0, issuer: "GitHub", name: "alice", shown_name: "alice", kind: "totp", digits: 6, period: 30, duplicate_of: null, repeats: null },
    { index: 1, issuer: "GitLab", name: "bob", shown_name: "bob", kind: "totp", digits: 6, period: 30, duplicate_of: "GitLab (bob)", repeats: null },
  ],
  notes: [{ code: "rejected_entry", message: "Yandex (3): Yandex codes are not supported", what: null, detail: null, error: null }],
  batches: [{ scanned: 2, total: 3, missing: [3] }],
};

/** A vault with accounts, a folder followed, sync set up and a browser paired. */
const full: Handlers = {
  list_accounts: () => accounts,
  get_codes: codes(["a1", "a2", "a4"]),
  copy_code: () => ({ grouped: "123 456", clear_after_seconds: 30 }),
  followed_folders: () => [
    {
      id: "f1", path: "/home/mika/Sync/aegis", format: "aegis", app: "Aegis", encrypted: true, state: { state: "needs_password" },
      file: "aegis-backup-20261201-101530.json", checked: 1, applied_at: 1, accounts: 3, removed: 0,
    },
  ],
  sync_status: () => ({
    folder: "/home/mika/Sync", device: "d1", name: "desk",
    devices: [
      { id: "d1", name: "desk", updated: 1796173441000, accounts: 3, this_device: true },
      { id: "d2", name: "laptop", updated: 1796173000000, accounts: 1, this_device: false },
    ],
    last_merge: 1796173441000, skipped: [], problem: null, problem_code: null,
  }),
  paired_browsers: () => [{ id: "p1", browser: "Chromium", paired: 1796000000, last_used: 1796003600 }],
  check_clock: () => ({ server: "pool.ntp.org", offset_ms: 95000, round_trip_ms: 20, wrong: true, system: "linux" }),
  preview_manual: () => ({ error: null, field: null, code: "492039", duplicate_of: null }),
  get_recovery_codes: () => ["aaaa-1111", "bbbb-2222"],
  transfer_qr: () => ({ svg: "<svg data-qr='1'></svg>", label: "GitHub (alice@example.com)", hide_after_seconds: 60 }),
  google_qr_codes: () => ({ svgs: ["<svg></svg>", "<svg></svg>"], exported: 12, skipped: ["Steam (mika): Steam codes cannot be exported"] }),
  open_image: () => preview,
  open_backup: () => ({ preview: null, password_token: "tok-locked", format: "Aegis", file_name: "aegis.json" }),
  confirm_import: () => ({ added: 1, skipped: [], repeated: [], errors: [] }),
  discard_import: () => null,
  follow_folder: () => ({ report: null, password_token: "t1", app: "Aegis", folder: "aegis" }),
  sync_choose_folder: () => ({ token: "t1", folder: "Sync", join: false }),
  icon_packs: () => [{ uuid: "p1", name: "Aegis Icons", version: 3, icons: 1800 }],
  icon_suggestions: () => [
    { pack: "p1", pack_name: "Aegis Icons", number: 0, name: "GitHub", category: "Development", image: "data:image/png;base64,iVBORw0KGgo=" },
    { pack: "p1", pack_name: "Aegis Icons", number: 1, name: "GitHub Dark", category: null, image: "data:image/png;base64,iVBORw0KGgo=" },
  ],
};

async function ready(handlers: Handlers = full) {
  const r = await renderApp(handlers);
  await until(() => expect(screen.getAllByText("123 456").length).toBeGreaterThan(0), 8000);
  return r;
}

async function openSettings() {
  await fireEvent.click(screen.getByLabelText("Settings"));
  return dialog("Settings");
}

// The first render of a file imports the whole app: give it time on a loaded machine.
describe("axe: no serious or critical violations", { timeout: 20000 }, () => {
  it("the main window: search, toolbar and the account list", async () => {
    await ready();
    await audit("main window");
  });

  it("the main window in Japanese", async () => {
    await ready({ ...full, get_settings: () => settings({ language: "ja" }) });
    await audit("main window (ja)");
  });

  it("the main window with restorable accounts and a notice", async () => {
    await ready({
      ...full,
      app_status: () => status({
        orphans: [{ id: "o1", label: "Fastmail (victor)" }],
        notices: [{ kind: "rebuilt", message: "rebuilt", count: 1, detail: null }],
      }),
    });
    await until(() => screen.getByText("Fastmail (victor)"));
    await audit("main window, orphans and notice");
  });

  it("the empty vault", async () => {
    await renderApp({});
    await until(() => screen.getByText("No accounts yet"), 8000);
    await audit("empty vault");
  });

  it("the locked keychain", async () => {
    await renderApp({
      app_status: () => status({ keychain: { state: "keychain_locked", advice: "advice", detail: "SS error" }, account_count: 2 }),
      list_accounts: () => accounts,
      get_codes: () => {
        throw { code: "keychain_locked", message: "locked", detail: null };
      },
    });
    await until(() => screen.getByText("The keyring is locked"), 8000);
    await audit("keychain panel");
  });

  // What a few clicks open: [what, the buttons pressed (by name or text), what then shows].
  const actions = "Actions for GitHub (alice@example.com)";
  for (const [name, buttons, shown] of [
    ["row menu", [actions], "Move up"],
    ["add", ["Add account"], "Add an account"],
    ["backup password", ["Add account", "Import from another app…"], "Encrypted backup"],
    ["edit", [actions, "Edit"], "Account name"],
    ["recovery codes", [actions, "Recovery codes"], "aaaa-1111\nbbbb-2222"],
    ["transfer QR", [actions, "Show QR for a phone"], "Hidden in 60 s"],
  ] as const) {
    it(name, async () => {
      await ready();
      for (const button of buttons) await fireEvent.click(await until(() => screen.queryByLabelText(button) ?? screen.getByText(button)));
      await until(() => screen.queryByText(shown) ?? screen.getByDisplayValue(shown, { normalizer: (v) => v }));
      await audit(name);
    });
  }

  it("edit, with an icon pack's suggestions", async () => {
    await ready();
    await fireEvent.click(screen.getByLabelText(actions));
    await fireEvent.click(await until(() => screen.getByText("Edit")));
    await until(() => screen.getByRole("button", { name: "GitHub Dark, from Aegis Icons" }));
    await audit("edit (icon pack suggestions)");
  });

  it("manual entry", async () => {
    await ready();
    await fireEvent.keyDown(window, { key: "n", ctrlKey: true });
    await fireEvent.click(await until(() => screen.getByText("Enter manually")));
    const d = await dialog();
    await fireEvent.input(within(d).getByLabelText("Secret key"), { target: { value: "JBSWY3DPEHPK3PXP" } });
    await until(() => screen.getByText("Code now: 492039"), 3000);
    await audit("manual entry");
  });

  it("preview of an import, and the trash offer after it", async () => {
    await ready({ ...full, trash_source: () => undefined });
    await fireEvent.keyDown(window, { key: "n", ctrlKey: true });
    await fireEvent.click(await until(() => screen.getByText("Open image…")));
    await until(() => screen.getByText("Found 2 accounts"));
    await audit("import preview");
    await fireEvent.click(screen.getByText("Add 1"));
    await until(() => screen.getByText("Move shot.png to the trash? It shows your secret."));
    await audit("trash offer");
  });

  it("export, and its Google Authenticator QR codes", async () => {
    await ready();
    await openSettings();
    await fireEvent.click(await screen.findByText("Export…"));
    const d = await dialog("Export accounts");
    await audit("export");
    await fireEvent.click(within(d).getByLabelText(/QR codes for Google Authenticator/));
    await fireEvent.click(within(d).getByText("Show QR codes"));
    await until(() => within(d).getByText("QR code 1 of 2 (12 accounts in all)"));
    await audit("export, Google QR codes");
  });

  it("settings with its panels: sync, followed folders, browsers, clock check", async () => {
    await ready();
    await openSettings();
    await until(() => screen.getByText("Folder: /home/mika/Sync"));
    await until(() => screen.getByText(/The backups' password is needed/));
    await until(() => screen.getByLabelText("Unpair Chromium"));
    await until(() => screen.getByLabelText("Remove icon pack Aegis Icons"));
    await fireEvent.click(screen.getByText("Check the clock"));
    await until(() => screen.getByText(/95\.0 s behind pool\.ntp\.org/));
    await audit("settings (sync, follow, icon packs, browsers, clock)");
  });

  it("settings when this computer does not sync and no browser is paired", async () => {
    await ready({ ...full, sync_status: () => null, paired_browsers: () => [], followed_folders: () => [], icon_packs: () => [] });
    await openSettings();
    await until(() => screen.getByText("This computer does not sync."));
    await audit("settings (nothing set up)");
  });

  // The prompts a button in settings opens: [what, the handlers' changes, the button, what the prompt shows].
  for (const [name, changes, button, shown] of [
    ["followed folder password", {}, "Follow a folder…", "Backup password"],
    ["sync passphrase", { sync_status: () => null }, "Choose a folder…", "The passphrase again"],
    ["new sync passphrase", {}, "New passphrase…", "A new passphrase for the sync folder"],
  ] as const) {
    it(name, async () => {
      await ready({ ...full, ...changes });
      await openSettings();
      await fireEvent.click(await until(() => screen.getByText(button)));
      await until(() => screen.getByText(shown));
      await audit(name);
    });
  }

  it("a dropped file's preview", async () => {
    await ready();
    await emit("drop-preview", preview);
    await until(() => screen.getByText("Found 2 accounts"));
    await audit("dropped preview");
  });

  it("the quick-pick palette", async () => {
    vi.resetModules();
    clearMocks();
    const handlers: Handlers = { ...defaults(), ...full };
    mockIPC((cmd, args) => {
      const h = (handlers as Record<string, ((a: unknown) => unknown) | undefined>)[cmd];
      if (!h) throw { code: "test", message: `unexpected command ${cmd}` };
      return h(args ?? {});
    }, { shouldMockEvents: true });
    const { render } = await import("@testing-library/svelte");
    const { default: Palette } = await import("./Palette.svelte");
    render(Palette);
    await until(() => expect(screen.getAllByText("123 456").length).toBeGreaterThan(0), 8000);
    await audit("palette");
  });
});

describe("the account list as a screen reader reads it", { timeout: 20000 }, () => {
  const row = (id: string) => document.querySelector<HTMLElement>(`[data-account-id="${id}"] button.main`)!;
  const ring = (id: string) => document.querySelector(`[data-account-id="${id}"] svg.ring`);

  for (const [lang, name, next, seconds] of [
    ["en", "GitHub, alice@example.com, code 123 456", "Example Bank, bob, Pinned, code 123 456", /^, (\d+) seconds? left$/],
    ["ja", "GitHub、alice@example.com、コード 123 456", "Example Bank、bob、ピン留め、コード 123 456", /^、残り (\d+) 秒$/],
  ] as const) {
    it(`a row is named by its account, code and the seconds left when the focus lands (${lang})`, async () => {
      await ready({ ...full, get_settings: () => settings({ language: lang }) });
      await until(() => expect(ring("a1")).toBeTruthy());
      // Unfocused, the name has no seconds (they would be stale by the time it is read).
      expect(screen.getByRole("button", { name })).toBe(row("a1"));
      row("a1").focus();
      const focused = await until(() => screen.getByRole("button", { name: new RegExp(`^${name.replace(/[.()]/g, "\\$&")}.`) }));
      expect(focused).toBe(row("a1"));
      const said = focused.getAttribute("aria-label")!;
      const left = Number(seconds.exec(said.slice(name.length))?.[1]);
      expect(Math.abs(left - Number(ring("a1")!.getAttribute("data-seconds")))).toBeLessThanOrEqual(1);
      // The ring moves every second; the name does not, and the ring is in no live region.
      const drawn = ring("a1")!.getAttribute("data-seconds");
      await until(() => expect(ring("a1")!.getAttribute("data-seconds")).not.toBe(drawn), 2500);
      expect(focused.getAttribute("aria-label")).toBe(said);
      expect(ring("a1")!.getAttribute("aria-hidden")).toBe("true");
      expect(ring("a1")!.closest("[aria-live], [role=status], [role=timer], [role=alert], [role=log]")).toBeNull();
      // ↓ moves the focus, and the name is read, to the next row.
      await fireEvent.keyDown(focused, { key: "ArrowDown" });
      expect(document.activeElement).toBe(row("a2"));
      await until(() => expect(row("a2").getAttribute("aria-label")).toMatch(new RegExp(`^${next}${seconds.source.slice(1)}`)));
      expect(row("a2").tabIndex).toBe(0);
      expect(row("a1").tabIndex).toBe(-1);
    });
  }

  it("the row menu closed with Escape gives the focus back to its button", async () => {
    await ready();
    const more = screen.getByLabelText("Actions for GitHub (alice@example.com)");
    await fireEvent.click(more);
    const menu = await until(() => screen.getByRole("menu"));
    await fireEvent.keyDown(menu, { key: "Escape" });
    await until(() => expect(screen.queryByRole("menu")).toBeNull());
    expect(document.activeElement).toBe(more);
  });

  for (const [lang, said] of [
    ["en", "Code copied. It is cleared from the clipboard in 30 seconds."],
    ["ja", "コードをコピーしました。30 秒後にクリップボードから消去します。"],
  ] as const) {
    it(`copying a code is said in a polite live region that was there before (${lang})`, async () => {
      await ready({ ...full, get_settings: () => settings({ language: lang }) });
      const region = screen.getByRole("status");
      expect(region.getAttribute("aria-live")).toBe("polite");
      expect(region.textContent?.trim()).toBe("");
      await fireEvent.click(row("a1"));
      await until(() => expect(within(region).getByText(said)).toBeTruthy());
      expect(screen.getByRole("status")).toBe(region);
      // The toast's own text, with the digits, is seen but not heard: it is outside the region
      // (WebKitGTK reads a region's new text with its aria-hidden parts).
      expect(region.textContent).not.toMatch(/123 456/);
      const seen = document.querySelector(".toasts[aria-hidden=true]");
      expect(seen?.textContent).toMatch(/123 456/);
      expect(seen?.closest("[aria-live], [role=status]")).toBeNull();
    });
  }
});
