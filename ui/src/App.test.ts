// Every state a person must understand, with Rust mocked at the IPC boundary.
import { emit } from "@tauri-apps/api/event";
import { fireEvent, screen, within } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { account, available, codeView, renderApp, seenToasts, settings, status, until } from "./test/harness";

const period = () => {
  const now = Date.now();
  const from = now - (now % 30000);
  return { now, from, until: from + 30000 };
};

function codesFor(ids: string[], code = "123456", grouped = "123 456", next = "654 321") {
  const p = period();
  return () => ({
    now_ms: p.now,
    codes: ids.map((id) => codeView(id, code, grouped, { next, valid_from_ms: p.from, valid_until_ms: p.until })),
  });
}

const two = [account("a1", "GitHub", "alice@example.com"), account("a2", "Example Bank", "bob", { pinned: true })];

describe("list", () => {
  it("shows each account with its grouped code, next code and a countdown", async () => {
    const { container } = await renderApp({ list_accounts: () => two, get_codes: codesFor(["a1", "a2"]) });
    await until(() => expect(screen.getAllByText("123 456")).toHaveLength(2));
    expect(screen.getByText("GitHub")).toBeTruthy();
    expect(screen.getByText("alice@example.com")).toBeTruthy();
    expect(screen.getAllByText("next 654 321")).toHaveLength(2);
    expect(container.querySelectorAll("svg.ring")).toHaveLength(2);
    expect(document.activeElement?.getAttribute("type")).toBe("search");
  });

  it("asks for codes once per period, not every second", async () => {
    // A period that does not end while the test watches, whatever the clock says.
    const now = Date.now();
    const get_codes = () => ({
      now_ms: now,
      codes: ["a1", "a2"].map((id) => ({ id, code: "123456", grouped: "123 456", next: "654 321", valid_from_ms: now, valid_until_ms: now + 60000, problem: null })),
    });
    const { calls } = await renderApp({ list_accounts: () => two, get_codes });
    await until(() => expect(screen.getAllByText("123 456")).toHaveLength(2));
    await new Promise((r) => setTimeout(r, 1200));
    expect(calls.filter((c) => c.cmd === "get_codes")).toHaveLength(1);
  });

  it("the countdown ring steps once a second and turns to the warning colour in the last five", async () => {
    // TOTP periods end on whole seconds of Unix time, and the page's clock moves on the second:
    // the fixture's periods do too, or a step could fall between two moves.
    const now = Math.floor(Date.now() / 1000) * 1000;
    const get_codes = () => ({
      now_ms: Date.now(),
      codes: [
        { id: "a1", code: "123456", grouped: "123 456", next: null, valid_from_ms: now - 22000, valid_until_ms: now + 8000, problem: null },
        { id: "a2", code: "654321", grouped: "654 321", next: null, valid_from_ms: now - 25000, valid_until_ms: now + 5000, problem: null },
      ],
    });
    const { container } = await renderApp({ list_accounts: () => two, get_codes });
    const ring = (id: string) => container.querySelector(`[data-account-id="${id}"] svg.ring`);
    await until(() => expect(ring("a1")).toBeTruthy());
    const first = Number(ring("a1")!.getAttribute("data-seconds"));
    expect(first).toBeGreaterThanOrEqual(7);
    expect(first).toBeLessThanOrEqual(8);
    const drawn = ring("a1")!.querySelector("circle.left")!.getAttribute("stroke-dashoffset");
    await until(() => expect(Number(ring("a1")!.getAttribute("data-seconds"))).toBe(first - 1), 2500);
    expect(ring("a1")!.querySelector("circle.left")!.getAttribute("stroke-dashoffset")).not.toBe(drawn);
    expect(ring("a1")!.querySelector("circle.left")!.classList.contains("warn")).toBe(false);
    expect(ring("a2")!.querySelector("circle.left")!.classList.contains("warn")).toBe(true);
  });

  it("asks for nothing and draws no countdown while hidden, and catches up when shown", async () => {
    // A period that ends 300 ms from now: a visible page would ask again right after it.
    const now = Date.now();
    const get_codes = () => ({
      now_ms: Date.now(),
      codes: ["a1", "a2"].map((id) => ({ id, code: "123456", grouped: "123 456", next: "654 321", valid_from_ms: now - 29700, valid_until_ms: now + 300, problem: null })),
    });
    const setHidden = (hidden: boolean) => {
      Object.defineProperty(document, "hidden", { configurable: true, get: () => hidden });
      document.dispatchEvent(new Event("visibilitychange"));
    };
    try {
      const { calls, container } = await renderApp({ list_accounts: () => two, get_codes });
      await until(() => expect(container.querySelectorAll("svg.ring")).toHaveLength(2));
      const asked = () => calls.filter((c) => c.cmd === "get_codes").length;
      const before = asked();
      setHidden(true);
      await until(() => expect(container.querySelectorAll("svg.ring")).toHaveLength(0));
      await new Promise((r) => setTimeout(r, 900));
      expect(asked()).toBe(before);
      setHidden(false);
      await until(() => expect(asked()).toBe(before + 1));
      await until(() => expect(container.querySelectorAll("svg.ring")).toHaveLength(2));
    } finally {
      Object.defineProperty(document, "hidden", { configurable: true, get: () => false });
    }
  });

  it("copies on click and on Enter, moving with the arrow keys, and says what was copied", async () => {
    const { calls } = await renderApp({
      list_accounts: () => two,
      get_codes: codesFor(["a1", "a2"]),
      copy_code: (a) => ({ grouped: a.id === "a1" ? "111 111" : "222 222", clear_after_seconds: 30 }),
    });
    await until(() => expect(screen.getAllByText("123 456")).toHaveLength(2));
    await fireEvent.click(screen.getByLabelText(/^GitHub, alice@example\.com, code /));
    await until(() => expect(seenToasts()).toMatch(/Copied 111 111/));
    const search = screen.getByLabelText("Search accounts by issuer or name");
    await fireEvent.keyDown(window, { key: "ArrowDown" });
    await fireEvent.keyDown(window, { key: "Enter" });
    await until(() => expect(seenToasts()).toMatch(/Copied 222 222 — cleared from the clipboard in 30 s/));
    expect(calls.filter((c) => c.cmd === "copy_code").map((c) => c.args.id)).toEqual(["a1", "a2"]);
    // At rest the search field lets go of the focus (its caret stops blinking): Enter still copies,
    // and a typed letter goes back to the search field.
    search.blur();
    expect(document.activeElement).toBe(document.body);
    await fireEvent.keyDown(window, { key: "Enter" });
    await until(() => expect(calls.filter((c) => c.cmd === "copy_code")).toHaveLength(3));
    await fireEvent.keyDown(window, { key: "g" });
    expect(document.activeElement).toBe(search);
    expect(document.activeElement).toBe(search);
  });

  it("filters by typing and clears with Escape", async () => {
    await renderApp({ list_accounts: () => two, get_codes: codesFor(["a1", "a2"]) });
    await until(() => expect(screen.getAllByText("123 456")).toHaveLength(2));
    const search = screen.getByLabelText("Search accounts by issuer or name") as HTMLInputElement;
    await fireEvent.input(search, { target: { value: "bank" } });
    await until(() => expect(screen.queryByText("GitHub")).toBeNull());
    expect(screen.getByText("Example Bank")).toBeTruthy();
    await fireEvent.input(search, { target: { value: "zzz" } });
    await until(() => expect(screen.getByText("No account matches “zzz”.")).toBeTruthy());
    await fireEvent.keyDown(window, { key: "Escape" });
    await until(() => expect(screen.getByText("GitHub")).toBeTruthy());
    expect(search.value).toBe("");
  });

  it("one account whose keyring item is missing says so; the others keep their codes", async () => {
    const p = period();
    await renderApp({
      list_accounts: () => two,
      get_codes: () => ({
        now_ms: p.now,
        codes: [
          { id: "a1", code: null, grouped: null, next: null, valid_from_ms: null, valid_until_ms: null, problem: "missing" },
          { id: "a2", code: "123456", grouped: "123 456", next: "654 321", valid_from_ms: p.from, valid_until_ms: p.until, problem: null },
        ],
      }),
    });
    await until(() => expect(screen.getByText("123 456")).toBeTruthy());
    const row = document.querySelector('[data-account-id="a1"]') as HTMLElement;
    expect(within(row).getByRole("note").textContent).toBe(
      "Its secret is missing from the keyring: delete it or add it again",
    );
    expect(within(row).queryByText("––– –––")).toBeNull();
  });

  it("offers back accounts found in the keyring but not in the list, and says the list was rebuilt", async () => {
    let orphans = [{ id: "o1", label: "Fastmail (victor)" }];
    const { calls } = await renderApp({
      app_status: () => status({
        keychain: available,
        vault_path: "/tmp/vault.json",
        account_count: 1,
        notices: [{ kind: "rebuilt", message: "rebuilt", count: 1, detail: null }],
        orphans,
        vault_error: null,
      }),
      list_accounts: () => two,
      get_codes: codesFor(["a1", "a2"]),
      restore_orphans: () => {
        orphans = [];
        return 1;
      },
    });
    await until(() => expect(screen.getByText("Fastmail (victor)")).toBeTruthy());
    expect(screen.getByText(/the list was rebuilt from the keyring \(1 account\)/)).toBeTruthy();
    await fireEvent.click(screen.getByRole("button", { name: "Restore" }));
    await until(() => expect(screen.getByText("Restored 1 to the list")).toBeTruthy());
    expect(calls.find((c) => c.cmd === "restore_orphans")?.args).toEqual({ ids: ["o1"] });
    await until(() => expect(screen.queryByText("Fastmail (victor)")).toBeNull());
  });

  it("HOTP rows offer the next code instead of a countdown", async () => {
    const { calls } = await renderApp({
      list_accounts: () => [account("h1", "VPN", "ops", { kind: "hotp", period: null })],
      get_codes: () => ({ now_ms: Date.now(), codes: [{ id: "h1", code: null, grouped: null, next: null, valid_from_ms: null, valid_until_ms: null, problem: null }] }),
      copy_code: () => ({ grouped: "755 224", clear_after_seconds: 0 }),
    });
    await until(() => expect(screen.getByText("Next code")).toBeTruthy());
    await fireEvent.click(screen.getByLabelText(/^VPN, ops, /));
    await until(() => expect(seenToasts()).toContain("Copied 755 224"));
    expect(screen.getByText("755 224")).toBeTruthy();
    expect(calls.find((c) => c.cmd === "copy_code")?.args).toEqual({ id: "h1", next: false });
  });

  it("hides codes until hovered when asked to", async () => {
    await renderApp({
      get_settings: () => settings({ theme: "dark", language: "en", clipboard_clear_seconds: 0, show_next_code: false, hide_codes: true }),
      list_accounts: () => [two[0], two[1]],
      get_codes: codesFor(["a1", "a2"]),
    });
    await until(() => expect(screen.getAllByText("••••••").length).toBeGreaterThan(0));
    // The selected (first) row shows its code; the other stays hidden, and no next code is shown.
    expect(screen.queryByText(/^next/)).toBeNull();
    expect(document.documentElement.dataset.theme).toBe("dark");
  });
});

describe("states", () => {
  it("empty vault: how to add the first account, and why codes beat SMS", async () => {
    await renderApp({});
    await until(() => expect(screen.getByText("No accounts yet")).toBeTruthy());
    expect(screen.getByText(/unlike SMS codes/)).toBeTruthy();
    await fireEvent.click(screen.getAllByText("Add account").find((e) => e.tagName === "BUTTON")!);
    await until(() => expect(screen.getByText("Scan screen")).toBeTruthy());
  });

  for (const [state, title] of [
    ["keychain_missing", "No keyring is running"],
    ["keychain_locked", "The keyring is locked"],
    ["keychain_denied", "The keyring refused access"],
  ] as const) {
    it(`${state}: says what to do, offers a retry, and never shows an empty list`, async () => {
      let unlocked = false;
      const { calls } = await renderApp({
        app_status: () => status({
          keychain: unlocked ? available : { state, advice: "advice", detail: "SS error: prompt dismissed" },
          vault_path: "/v", account_count: 2, notices: [], vault_error: null,
        }),
        list_accounts: () => two,
        get_codes: () => {
          if (!unlocked) throw { code: state, message: "locked", detail: null };
          return codesFor(["a1", "a2"])();
        },
        retry_keychain: () => {
          unlocked = true;
          return status({ vault_path: "/v", account_count: 2 });
        },
      });
      await until(() => expect(screen.getByText(title)).toBeTruthy());
      expect(screen.queryByText("No accounts yet")).toBeNull();
      expect(screen.getByText("Your 2 accounts are safe; their codes appear once the keyring can be used.")).toBeTruthy();
      await fireEvent.click(screen.getByText("Retry"));
      await until(() => expect(screen.getAllByText("123 456")).toHaveLength(2));
      expect(calls.some((c) => c.cmd === "retry_keychain")).toBe(true);
    });
  }

  it("a damaged vault file is explained, not hidden", async () => {
    await renderApp({
      app_status: () => status({
        keychain: available, vault_path: "/v", account_count: 0, notices: [],
        vault_error: { code: "vault_newer", message: "newer", detail: null },
      }),
      list_accounts: () => { throw { code: "vault_newer", message: "newer", detail: null }; },
    });
    await until(() => expect(screen.getByText("This vault was written by a newer Ninsho. Update Ninsho to open it.")).toBeTruthy());
  });

  it("notices about a restored vault are shown", async () => {
    await renderApp({
      app_status: () => status({
        keychain: available,
        vault_path: "/v",
        account_count: 0,
        notices: [{ kind: "restored_from_backup", message: "x", count: null, detail: "/v/vault.json.damaged-1" }],
        orphans: [],
        vault_error: null,
      }),
    });
    await until(() => expect(screen.getByText(/The vault file was damaged; it was kept at \/v\/vault.json.damaged-1/)).toBeTruthy());
  });
});

describe("adding", () => {
  it("a scan that found nothing gives tips", async () => {
    await renderApp({
      scan_screen: () => ({ token: null, source: "screen", items: [], notes: [{ code: "no_qr", message: "x", what: null, detail: null, error: null }], batches: [], file_name: null, codes_found: 0, format: null }),
    });
    await fireEvent.keyDown(window, { key: "n", ctrlKey: true });
    await until(() => expect(screen.getByText("Scan screen")).toBeTruthy());
    await fireEvent.click(screen.getByText("Scan screen"));
    await until(() => expect(screen.getByText(/zoom in so the code is larger/)).toBeTruthy());
    expect(screen.queryByText(/^Add \d/)).toBeNull();
  });

  it("a QR that is not a login code says what it is", async () => {
    await renderApp({
      paste: () => ({
        token: null, source: "clipboard", items: [], batches: [], file_name: null, codes_found: 2, format: null,
        notes: [
          { code: "not_login", message: "", what: "web_link", detail: "example.com", error: null },
          { code: "not_login", message: "", what: "wifi", detail: "Cafe", error: null },
        ],
      }),
    });
    await fireEvent.keyDown(window, { key: "v", ctrlKey: true });
    await until(() => expect(screen.getByText("This QR code is a link to example.com, not a login code.")).toBeTruthy());
    expect(screen.getByText("This QR code is a Wi-Fi network “Cafe”, not a login code.")).toBeTruthy();
  });

  it("preview: checkboxes, duplicates unchecked, export batches, confirm with the token, then offer the trash", async () => {
    const { calls } = await renderApp({
      open_image: () => ({
        token: "tok-1", source: "file", file_name: "shot.png", codes_found: 1, format: null,
        items: [
          { index: 0, issuer: "GitHub", name: "alice", shown_name: "alice", kind: "totp", digits: 6, period: 30, duplicate_of: null, repeats: null },
          { index: 1, issuer: "GitLab", name: "bob", shown_name: "bob", kind: "totp", digits: 6, period: 30, duplicate_of: "GitLab (bob)", repeats: null },
        ],
        notes: [], batches: [{ scanned: 2, total: 3, missing: [3] }],
      }),
      confirm_import: () => ({ added: 1, skipped: [], repeated: [], errors: [] }),
      trash_source: () => undefined,
    });
    await fireEvent.keyDown(window, { key: "n", ctrlKey: true });
    await until(() => expect(screen.getByText("Open image…")).toBeTruthy());
    await fireEvent.click(screen.getByText("Open image…"));
    await until(() => expect(screen.getByText("Found 2 accounts")).toBeTruthy());
    expect(screen.getByText("Already in Ninsho as GitLab (bob)")).toBeTruthy();
    expect(screen.getByText("2 of 3 QR codes of this Google Authenticator export — scan the rest (3)")).toBeTruthy();
    const boxes = screen.getAllByRole("checkbox") as HTMLInputElement[];
    expect(boxes.map((b) => b.checked)).toEqual([true, false]);
    await fireEvent.click(screen.getByText("Add 1"));
    await until(() => expect(screen.getByText("Move shot.png to the trash? It shows your secret.")).toBeTruthy());
    const confirm = calls.find((c) => c.cmd === "confirm_import")!;
    expect(confirm.args).toEqual({ token: "tok-1", selected: [0], force: false });
    await fireEvent.click(screen.getByText("Move to trash"));
    await until(() => expect(calls.some((c) => c.cmd === "trash_source" && c.args.token === "tok-1")).toBe(true));
  });

  it("the result says why each account was skipped: already in Ninsho, or a repeat within the import", async () => {
    await renderApp({
      paste: () => ({
        token: "tok-2", source: "clipboard", file_name: null, codes_found: 3, format: null, notes: [], batches: [],
        items: [0, 1, 2].map((index) => ({ index, issuer: "Bank", name: `n${index}`, shown_name: `n${index}`, kind: "totp", digits: 6, period: 30, duplicate_of: null, repeats: null })),
      }),
      confirm_import: () => ({ added: 1, skipped: ["GitHub (alice)"], repeated: ["Bank (n2)"], errors: [] }),
    });
    await fireEvent.keyDown(window, { key: "v", ctrlKey: true });
    await until(() => expect(screen.getByText("Found 3 accounts")).toBeTruthy());
    await fireEvent.click(screen.getByText("Add 3"));
    await until(() =>
      expect(screen.getByText("Added 1; skipped 1 already in Ninsho and 1 that repeat another entry of the same import")).toBeTruthy(),
    );
  });

  it("preview: an entry that repeats an earlier one of the same import is marked, unchecked and not counted", async () => {
    const { calls } = await renderApp({
      paste: () => ({
        token: "tok-3", source: "clipboard", file_name: null, codes_found: 1, format: null, notes: [], batches: [],
        items: [
          { index: 0, issuer: "Bank", name: "n0", shown_name: "n0", kind: "totp", digits: 6, period: 30, duplicate_of: null, repeats: null },
          { index: 1, issuer: "Mail", name: "n1", shown_name: "n1", kind: "totp", digits: 6, period: 30, duplicate_of: null, repeats: null },
          { index: 2, issuer: "Bank", name: "n0", shown_name: "n0", kind: "totp", digits: 6, period: 30, duplicate_of: null, repeats: 0 },
          { index: 3, issuer: "Shop", name: "n3", shown_name: "n3", kind: "totp", digits: 6, period: 30, duplicate_of: "Shop (n3)", repeats: null },
        ],
      }),
      confirm_import: () => ({ added: 2, skipped: [], repeated: [], errors: [] }),
    });
    await fireEvent.keyDown(window, { key: "v", ctrlKey: true });
    await until(() => expect(screen.getByText("Found 4 accounts")).toBeTruthy());
    expect(screen.getByText("Repeats entry 1 of this import")).toBeTruthy();
    expect(screen.getByText("Already in Ninsho as Shop (n3)")).toBeTruthy();
    const boxes = screen.getAllByRole("checkbox") as HTMLInputElement[];
    expect(boxes.map((b) => b.checked)).toEqual([true, true, false, false]);
    await fireEvent.click(screen.getByText("Add 2"));
    await until(() => expect(calls.some((c) => c.cmd === "confirm_import")).toBe(true));
    expect(calls.find((c) => c.cmd === "confirm_import")!.args).toEqual({ token: "tok-3", selected: [0, 1], force: false });
  });

  it("files dropped on the window arrive as a preview", async () => {
    await renderApp({});
    await until(() => expect(screen.getByText("No accounts yet")).toBeTruthy());
    await emit("drop-preview", {
      token: "t", source: "drop", file_name: "qr.png", codes_found: 1, notes: [], batches: [],
      items: [{ index: 0, issuer: "Proton", name: "me", shown_name: "me", kind: "totp", digits: 6, period: 30, duplicate_of: null, repeats: null }],
    });
    await until(() => expect(screen.getByText("Proton")).toBeTruthy());
  });

  it("manual entry validates the key live and shows the code it would produce", async () => {
    const { calls } = await renderApp({
      preview_manual: (a) => {
        const entry = a.entry as { secret: string };
        return /1/.test(entry.secret)
          ? { error: { code: "secret_character", message: "bad", detail: null }, field: "secret", code: null, duplicate_of: null }
          : { error: null, field: null, code: "492039", duplicate_of: null };
      },
      add_manual: () => ({ added: 1, skipped: [], repeated: [], errors: [] }),
    });
    await fireEvent.keyDown(window, { key: "n", ctrlKey: true });
    await until(() => expect(screen.getByText("Enter manually")).toBeTruthy());
    await fireEvent.click(screen.getByText("Enter manually"));
    const secret = await until(() => screen.getByLabelText("Secret key"));
    await fireEvent.input(screen.getByLabelText("Issuer (site or service)"), { target: { value: "Example" } });
    await fireEvent.input(screen.getByLabelText("Secret key"), { target: { value: "JBSWY3DPEHPK3PX1" } });
    await until(() => expect(screen.getByText("The key may only contain letters A–Z and digits 2–7.")).toBeTruthy(), 3000);
    await fireEvent.input(screen.getByLabelText("Secret key"), { target: { value: "jbsw y3dp ehpk 3pxp" } });
    await until(() => expect(screen.getByText("Code now: 492039")).toBeTruthy(), 3000);
    await fireEvent.click(within(screen.getByRole("dialog")).getByText("Add account", { selector: "button" }));
    await until(() => expect(calls.some((c) => c.cmd === "add_manual")).toBe(true));
    void secret;
  });

  it("manual entry of a HOTP account shows no code, only when it will appear", async () => {
    await renderApp({
      preview_manual: (a) => {
        const entry = a.entry as { kind: string };
        return { error: null, field: null, code: entry.kind === "hotp" ? null : "492039", duplicate_of: null };
      },
    });
    await fireEvent.keyDown(window, { key: "n", ctrlKey: true });
    await until(() => expect(screen.getByText("Enter manually")).toBeTruthy());
    await fireEvent.click(screen.getByText("Enter manually"));
    await until(() => screen.getByLabelText("Secret key"));
    await fireEvent.input(screen.getByLabelText("Secret key"), { target: { value: "JBSWY3DPEHPK3PXP" } });
    await until(() => expect(screen.getByText("Code now: 492039")).toBeTruthy(), 3000);
    await fireEvent.change(screen.getByLabelText("Type"), { target: { value: "hotp" } });
    await until(() => expect(screen.getByText(/A counter-based code is shown once/)).toBeTruthy(), 3000);
    expect(screen.queryByText(/Code now/)).toBeNull();
  });

  it("manual entry of an mOTP account asks for the PIN, hides what the kind fixes, and sends the PIN once", async () => {
    const { calls } = await renderApp({
      preview_manual: (a) => {
        const entry = a.entry as { kind: string; pin: string };
        return entry.pin
          ? { error: null, field: null, code: "e7d8b6", duplicate_of: null }
          : { error: { code: "pin_required", message: "no pin", detail: null }, field: "pin", code: null, duplicate_of: null };
      },
      add_manual: () => ({ added: 1, skipped: [], repeated: [], errors: [] }),
    });
    await fireEvent.keyDown(window, { key: "n", ctrlKey: true });
    await until(() => expect(screen.getByText("Enter manually")).toBeTruthy());
    await fireEvent.click(screen.getByText("Enter manually"));
    await until(() => screen.getByLabelText("Secret key"));
    expect(screen.queryByLabelText("PIN")).toBeNull();
    await fireEvent.change(screen.getByLabelText("Type"), { target: { value: "motp" } });
    const pin = (await until(() => screen.getByLabelText("PIN"))) as HTMLInputElement;
    expect(pin.type).toBe("password");
    expect(screen.queryByLabelText("Algorithm")).toBeNull();
    expect(screen.queryByLabelText("Digits")).toBeNull();
    expect(screen.getByText(/Hexadecimal: digits 0–9/)).toBeTruthy();
    await fireEvent.input(screen.getByLabelText("Issuer (site or service)"), { target: { value: "Campus VPN" } });
    await fireEvent.input(screen.getByLabelText("Secret key"), { target: { value: "e3152afee62599c8" } });
    await until(() => expect(screen.getByText("Enter the account's PIN.")).toBeTruthy(), 3000);
    await fireEvent.input(pin, { target: { value: "1234" } });
    await until(() => expect(screen.getByText("Code now: e7d8b6")).toBeTruthy(), 3000);
    await fireEvent.click(within(screen.getByRole("dialog")).getByText("Add account", { selector: "button" }));
    await until(() => expect(calls.some((c) => c.cmd === "add_manual")).toBe(true));
    const sent = calls.find((c) => c.cmd === "add_manual")!.args.entry as { kind: string; pin: string; secret: string };
    expect([sent.kind, sent.pin, sent.secret]).toEqual(["motp", "1234", "e3152afee62599c8"]);
  });
});

describe("account actions", () => {
  it("an account's sites are edited one per line, and a name that is no site is said back", async () => {
    const bound = [account("a1", "X", "me", { domains: [{ name: "x.com", host_only: false }, { name: "login.x.com", host_only: true }] })];
    let tries = 0;
    const { calls } = await renderApp({
      list_accounts: () => bound,
      get_codes: codesFor(["a1"]),
      edit_account: (a) => {
        tries += 1;
        if (tries === 1) throw { code: "site_invalid", message: "no", detail: "co.uk" };
        return account(a.id as string, a.issuer as string, a.name as string);
      },
    });
    await until(() => expect(screen.getAllByText("123 456")).toHaveLength(1));
    await fireEvent.click(screen.getByLabelText("Actions for X (me)"));
    await fireEvent.click(screen.getByText("Edit"));
    const sites = (await until(() => screen.getByLabelText("Sites"))) as HTMLTextAreaElement;
    expect(sites.value).toBe("x.com\nlogin.x.com");
    expect(screen.getByText("login.x.com (this host only)")).toBeTruthy();
    await fireEvent.input(sites, { target: { value: "x.com\n twitter.com, co.uk\n\n" } });
    await fireEvent.click(screen.getByText("Save"));
    await until(() => expect(screen.getByRole("alert").textContent).toMatch(/“co.uk” is not a site Ninsho can bind/));
    expect(calls.find((c) => c.cmd === "edit_account")?.args).toEqual({ id: "a1", issuer: "X", name: "me", domains: ["x.com", "twitter.com", "co.uk"] });
    // The dialog stays open with what was typed; Ctrl+Enter saves from the field.
    await fireEvent.input(sites, { target: { value: "x.com\ntwitter.com" } });
    await fireEvent.keyDown(sites, { key: "Enter", ctrlKey: true });
    await until(() => expect(calls.filter((c) => c.cmd === "edit_account")).toHaveLength(2));
    expect(calls.filter((c) => c.cmd === "edit_account")[1].args.domains).toEqual(["x.com", "twitter.com"]);
    await until(() => expect(screen.queryByLabelText("Sites")).toBeNull());
  });

  it("an account's own icon is shown as Rust drew it, chosen and removed in the edit dialog; a refusal is said", async () => {
    const png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
    let icon: string | null = null;
    let chosen = 0;
    const { calls } = await renderApp({
      list_accounts: () => [account("a1", "X", "me", { icon })],
      get_codes: codesFor(["a1"]),
      choose_account_icon: (a) => {
        chosen += 1;
        if (chosen === 1) throw { code: "icon_refused", message: "no", detail: "the SVG image contains a script" };
        icon = png;
        return account(a.id as string, "X", "me", { icon });
      },
      remove_account_icon: (a) => {
        icon = null;
        return account(a.id as string, "X", "me", { icon });
      },
    });
    await until(() => expect(screen.getAllByText("123 456")).toHaveLength(1));
    expect(document.querySelector("img[data-icon='own']")).toBeNull();
    await fireEvent.click(screen.getByLabelText("Actions for X (me)"));
    await fireEvent.click(screen.getByText("Edit"));
    await until(() => expect(screen.getByText("Choose image…")).toBeTruthy());
    expect(screen.queryByText("Remove icon")).toBeNull();
    await fireEvent.click(screen.getByText("Choose image…"));
    await until(() => expect(document.body.textContent).toContain("That image cannot be the account's icon: the SVG image contains a script."));
    await fireEvent.click(screen.getByText("Choose image…"));
    await until(() => expect(screen.getByText("Remove icon")).toBeTruthy());
    // The list row and the dialog both show the drawn PNG, and only a data URL.
    await until(() => expect(document.querySelectorAll("img[data-icon='own']").length).toBe(2));
    for (const img of document.querySelectorAll("img[data-icon='own']")) expect(img.getAttribute("src")).toBe(png);
    await fireEvent.click(screen.getByText("Remove icon"));
    await until(() => expect(document.querySelector("img[data-icon='own']")).toBeNull());
    expect(calls.filter((c) => c.cmd === "choose_account_icon").map((c) => c.args)).toEqual([{ id: "a1" }, { id: "a1" }]);
    expect(calls.find((c) => c.cmd === "remove_account_icon")?.args).toEqual({ id: "a1" });
  });

  it("an icon pack's match shows until the person picks, pastes or chooses one; packs are imported and removed in settings", async () => {
    const packPng = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    const pastedPng = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
    let shown: { icon: string | null; icon_pack: string | null } = { icon: packPng, icon_pack: "Aegis Icons" };
    let pasted = 0;
    let packs = [{ uuid: "p1", name: "Aegis Icons", version: 3, icons: 2 }];
    const { calls } = await renderApp({
      list_accounts: () => [account("a1", "GitHub", "alice", shown)],
      get_codes: codesFor(["a1"]),
      icon_suggestions: (a) =>
        (a.issuer as string).toLowerCase().startsWith("git")
          ? [
              { pack: "p1", pack_name: "Aegis Icons", number: 0, name: "GitHub", category: null, image: packPng },
              { pack: "p1", pack_name: "Aegis Icons", number: 1, name: "GitHub Dark", category: null, image: pastedPng },
            ]
          : [],
      choose_pack_icon: (a) => {
        shown = { icon: a.number === 1 ? pastedPng : packPng, icon_pack: null };
        return account("a1", "GitHub", "alice", shown);
      },
      paste_account_icon: () => {
        pasted += 1;
        if (pasted === 1) throw { code: "icon_paste_empty", message: "the clipboard holds no image", detail: null };
        shown = { icon: pastedPng, icon_pack: null };
        return account("a1", "GitHub", "alice", shown);
      },
      remove_account_icon: () => {
        shown = { icon: packPng, icon_pack: "Aegis Icons" };
        return account("a1", "GitHub", "alice", shown);
      },
      icon_packs: () => packs,
      import_icon_pack: () => {
        packs = [{ uuid: "p1", name: "Aegis Icons", version: 4, icons: 2 }];
        return { pack: packs[0], replaced: 3, left_out: [{ file: "SVG/Evil.svg", why: "the SVG image contains a script" }] };
      },
      remove_icon_pack: () => {
        packs = [];
        return [];
      },
    });
    // The list shows the pack's match; the edit dialog says where it comes from, offers no
    // removal (it is not the account's own) and lists the pack's icons as named buttons.
    await until(() => expect(document.querySelector("img[data-icon='own']")?.getAttribute("src")).toBe(packPng));
    await fireEvent.click(screen.getByLabelText("Actions for GitHub (alice)"));
    await fireEvent.click(screen.getByText("Edit"));
    await until(() => expect(document.body.textContent).toContain("The icon pack Aegis Icons suggests this icon."));
    expect(screen.queryByText("Remove icon")).toBeNull();
    const picker = await until(() => screen.getByRole("group", { name: "Icons from your icon packs" }));
    expect(within(picker).getAllByRole("button").map((b) => b.getAttribute("aria-label"))).toEqual([
      "GitHub, from Aegis Icons",
      "GitHub Dark, from Aegis Icons",
    ]);
    expect(within(picker).getByRole("button", { name: "GitHub, from Aegis Icons" }).getAttribute("aria-pressed")).toBe("true");
    await fireEvent.click(within(picker).getByRole("button", { name: "GitHub Dark, from Aegis Icons" }));
    await until(() => expect(screen.getByText("Remove icon")).toBeTruthy());
    expect(calls.find((c) => c.cmd === "choose_pack_icon")?.args).toEqual({ id: "a1", pack: "p1", number: 1 });
    expect(within(picker).getByRole("button", { name: "GitHub Dark, from Aegis Icons" }).getAttribute("aria-pressed")).toBe("true");
    // Typing another issuer asks for its icons: none here, so no picker.
    await fireEvent.input(screen.getByLabelText("Issuer"), { target: { value: "Bank" } });
    await until(() => expect(screen.queryByRole("group", { name: "Icons from your icon packs" })).toBeNull());
    expect(calls.filter((c) => c.cmd === "icon_suggestions").map((c) => c.args.issuer)).toContain("Bank");
    // Paste: an empty clipboard is said; an image becomes the own icon.
    await fireEvent.click(screen.getByText("Paste image"));
    await until(() => expect(document.body.textContent).toContain("The clipboard holds no image. Copy an image (PNG, JPEG or SVG)"));
    await fireEvent.click(screen.getByText("Paste image"));
    await until(() => expect(pasted).toBe(2));
    await fireEvent.click(screen.getByText("Remove icon"));
    await until(() => expect(document.body.textContent).toContain("The icon pack Aegis Icons suggests this icon."));
    await fireEvent.keyDown(document.activeElement ?? document.body, { key: "Escape" });
    await until(() => expect(screen.queryByLabelText("Issuer")).toBeNull());

    // Settings: the pack listed, imported again (what was left out is said), removed.
    await fireEvent.click(screen.getByLabelText("Settings"));
    await until(() => expect(screen.getByText("version 3 · 2 icons")).toBeTruthy());
    await fireEvent.click(screen.getByText("Import icon pack…"));
    await until(() => expect(document.body.textContent).toContain("Imported Aegis Icons version 4 (replacing version 3): 2 icons."));
    expect(document.body.textContent).toContain("SVG/Evil.svg: the SVG image contains a script");
    await fireEvent.click(screen.getByLabelText("Remove icon pack Aegis Icons"));
    await until(() => expect(screen.getByText("No icon packs.")).toBeTruthy());
    expect(calls.find((c) => c.cmd === "remove_icon_pack")?.args).toEqual({ uuid: "p1" });
  }, 20000);

  it("edit, pin, delete, and the transfer QR (Rust asks the person first)", async () => {
    const { calls } = await renderApp({
      list_accounts: () => two,
      get_codes: codesFor(["a1", "a2"]),
      edit_account: (a) => account(a.id as string, a.issuer as string, a.name as string),
      set_pinned: () => undefined,
      delete_account: () => undefined,
      transfer_qr: () => ({ svg: "<svg data-qr='1'></svg>", label: "GitHub (alice@example.com)", hide_after_seconds: 60 }),
    });
    await until(() => expect(screen.getAllByText("123 456")).toHaveLength(2));
    const menuOf = (label: string) => screen.getByLabelText(`Actions for ${label}`);

    await fireEvent.click(menuOf("GitHub (alice@example.com)"));
    await fireEvent.click(screen.getByText("Edit"));
    await fireEvent.input(screen.getByLabelText("Account name"), { target: { value: "alice2" } });
    await fireEvent.click(screen.getByText("Save"));
    await until(() => expect(calls.find((c) => c.cmd === "edit_account")?.args).toEqual({ id: "a1", issuer: "GitHub", name: "alice2", domains: [] }));

    await fireEvent.click(menuOf("GitHub (alice@example.com)"));
    await fireEvent.click(screen.getByText("Pin to top"));
    await until(() => expect(calls.find((c) => c.cmd === "set_pinned")?.args).toEqual({ id: "a1", pinned: true }));

    await fireEvent.click(menuOf("GitHub (alice@example.com)"));
    await fireEvent.click(screen.getByText("Show QR for a phone"));
    // No in-page warning step: the native dialog Rust raises carries it.
    await until(() => expect(document.querySelector("[data-qr]")).toBeTruthy());
    expect(calls.filter((c) => c.cmd === "transfer_qr")).toEqual([{ cmd: "transfer_qr", args: { id: "a1" } }]);
    expect(screen.getByText("Hidden in 60 s")).toBeTruthy();
    await fireEvent.click(screen.getAllByText("Close").find((e) => e.tagName === "BUTTON")!);

    // Delete: no dialog of the page's own; Rust asks in a native one (a declined one is no error).
    await fireEvent.click(menuOf("Example Bank (bob)"));
    await fireEvent.click(screen.getByText("Delete"));
    await until(() => expect(calls.find((c) => c.cmd === "delete_account")?.args).toEqual({ id: "a2" }));
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("recovery codes are loaded, edited and saved", async () => {
    const { calls } = await renderApp({
      list_accounts: () => two,
      get_codes: codesFor(["a1", "a2"]),
      get_recovery_codes: () => ["aaaa-1111", "bbbb-2222"],
      set_recovery_codes: (a) => (a.codes as string[]).filter(Boolean).length,
    });
    await until(() => expect(screen.getAllByText("123 456")).toHaveLength(2));
    await fireEvent.click(screen.getByLabelText("Actions for GitHub (alice@example.com)"));
    await fireEvent.click(screen.getByText("Recovery codes"));
    const box = (await until(() => screen.getByLabelText("Recovery codes"))) as unknown;
    void box;
    await until(() => expect((screen.getByLabelText("Recovery codes") as HTMLTextAreaElement).value).toBe("aaaa-1111\nbbbb-2222"));
    await fireEvent.input(screen.getByLabelText("Recovery codes"), { target: { value: "aaaa-1111\nbbbb-2222\ncccc-3333" } });
    await fireEvent.click(screen.getByText("Save"));
    await until(() => expect(screen.getByText("Saved 3 recovery codes")).toBeTruthy());
    expect(calls.find((c) => c.cmd === "set_recovery_codes")?.args.codes).toEqual(["aaaa-1111", "bbbb-2222", "cccc-3333"]);
  });
});

describe("reveals declined in the native dialog", () => {
  const declined = () => {
    throw { code: "reveal_declined", message: "Nothing was shown.", detail: null };
  };

  it("the transfer QR: the dialog closes, with no error", async () => {
    const { calls } = await renderApp({ list_accounts: () => two, get_codes: codesFor(["a1", "a2"]), transfer_qr: declined });
    await until(() => expect(screen.getAllByText("123 456")).toHaveLength(2));
    await fireEvent.click(screen.getByLabelText("Actions for GitHub (alice@example.com)"));
    await fireEvent.click(screen.getByText("Show QR for a phone"));
    await until(() => expect(calls.some((c) => c.cmd === "transfer_qr")).toBe(true));
    await until(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(screen.queryByRole("alert")).toBeNull();
    expect(document.querySelector("[data-qr]")).toBeNull();
  });

  it("recovery codes: the dialog closes, with no error; other errors still show", async () => {
    let answer: () => string[] = declined;
    await renderApp({ list_accounts: () => two, get_codes: codesFor(["a1", "a2"]), get_recovery_codes: () => answer() });
    await until(() => expect(screen.getAllByText("123 456")).toHaveLength(2));
    await fireEvent.click(screen.getByLabelText("Actions for GitHub (alice@example.com)"));
    await fireEvent.click(screen.getByText("Recovery codes"));
    await until(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(screen.queryByRole("alert")).toBeNull();

    answer = () => {
      throw { code: "keychain_locked", message: "locked", detail: null };
    };
    await fireEvent.click(screen.getByLabelText("Actions for GitHub (alice@example.com)"));
    await fireEvent.click(screen.getByText("Recovery codes"));
    await until(() => expect(screen.getByRole("alert")).toBeTruthy());
    await until(() => expect(screen.queryByRole("dialog")).toBeNull());
  });
});

describe("languages and settings", () => {
  it("renders in Japanese", async () => {
    await renderApp({
      get_settings: () => settings({ theme: "light", language: "ja", clipboard_clear_seconds: 30, show_next_code: true, hide_codes: false }),
    });
    await until(() => expect(screen.getByText("アカウントはまだありません")).toBeTruthy());
    expect(screen.getByPlaceholderText("アカウントを検索")).toBeTruthy();
    expect(document.documentElement.lang).toBe("ja");
  });

  it("changing the language in settings switches the UI", async () => {
    const { calls } = await renderApp({});
    await until(() => expect(screen.getByText("No accounts yet")).toBeTruthy());
    await fireEvent.click(screen.getByLabelText("Settings"));
    await fireEvent.change(screen.getByLabelText("Language"), { target: { value: "ja" } });
    await until(() => expect(screen.getByText("アカウントはまだありません")).toBeTruthy());
    expect((calls.find((c) => c.cmd === "set_settings")?.args.settings as { language: string }).language).toBe("ja");
  });
});
