// The quick-pick palette on its own (as its window loads it), with Rust mocked at the IPC
// boundary: typing filters, ↓ moves, Enter copies and hides, Escape hides without copying.
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { fireEvent, screen } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import { account, codeView, defaults, until, type Calls, type Handlers } from "./test/harness";

async function renderPalette(extra: Handlers = {}) {
  vi.resetModules();
  clearMocks();
  const calls: Calls = [];
  const now = Date.now();
  const handlers: Handlers = {
    ...defaults(),
    list_accounts: () => [account("a1", "GitHub", "alice"), account("a2", "Example Bank", "bob"), account("a3", "Forgejo", "Forgejo:carol", { shown_name: "carol" })],
    get_codes: () => ({ now_ms: now, codes: ["a1", "a2", "a3"].map((id, i) => codeView(id, `${i + 1}`.repeat(6), `${i + 1}`.repeat(3) + " " + `${i + 1}`.repeat(3), { valid_from_ms: now, valid_until_ms: now + 30000 })) }),
    copy_code: (a) => ({ grouped: a.id === "a2" ? "222 222" : "x", clear_after_seconds: 30 }),
    hide_pick: () => undefined,
    ...extra,
  };
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args: a });
    const h = (handlers as Record<string, ((a: unknown) => unknown) | undefined>)[cmd];
    if (!h) throw { code: "test", message: `unexpected command ${cmd}` };
    return h(a);
  }, { shouldMockEvents: true });
  const { render } = await import("@testing-library/svelte");
  const { default: Palette } = await import("./Palette.svelte");
  render(Palette);
  return calls;
}

describe("quick-pick palette", () => {
  it("has the focus in its search, filters as one types, and Enter copies the chosen code and hides", async () => {
    const calls = await renderPalette();
    await until(() => expect(screen.getByText("111 111")).toBeTruthy(), 8000);
    const search = screen.getByPlaceholderText("Type part of an account's name") as HTMLInputElement;
    expect(document.activeElement).toBe(search);
    expect(screen.getByText("Forgejo (carol)")).toBeTruthy();
    await fireEvent.input(search, { target: { value: "ba" } });
    await until(() => expect(screen.queryByText("GitHub (alice)")).toBeNull());
    await fireEvent.keyDown(window, { key: "Enter" });
    await until(() => expect(calls.some((c) => c.cmd === "hide_pick")).toBe(true));
    expect(calls.filter((c) => c.cmd === "copy_code").map((c) => c.args.id)).toEqual(["a2"]);
  });

  it("↓ chooses the next account; Escape hides without copying", async () => {
    const calls = await renderPalette();
    await until(() => expect(screen.getByText("111 111")).toBeTruthy(), 8000);
    await fireEvent.keyDown(window, { key: "ArrowDown" });
    expect(screen.getAllByRole("option")[1].getAttribute("aria-selected")).toBe("true");
    await fireEvent.keyDown(window, { key: "Escape" });
    await until(() => expect(calls.some((c) => c.cmd === "hide_pick")).toBe(true));
    expect(calls.some((c) => c.cmd === "copy_code")).toBe(false);
  });

  it("while the vault is locked it shows no name and no code, only a password field; Enter unlocks, then the codes", async () => {
    let locked = true;
    const now = Date.now();
    const calls = await renderPalette({
      get_codes: () => {
        if (locked) throw { code: "vault_locked", message: "Ninsho is locked", detail: null };
        return { now_ms: now, codes: [codeView("a1", "111111", "111 111", { valid_from_ms: now, valid_until_ms: now + 30000 })] };
      },
      unlock_vault: (a) => {
        if (a.password !== "correct horse battery") throw { code: "lock_wrong_password", message: "wrong password", detail: null };
        locked = false;
        return { mode: "password", locked: false, system: false, system_ready: false, rewriting: false, failures: 0, retry_in: null };
      },
    });
    const field = (await until(() => screen.getByPlaceholderText("Password"), 8000)) as HTMLInputElement;
    expect(document.activeElement).toBe(field);
    expect(screen.queryByText("GitHub (alice)")).toBeNull();
    await fireEvent.input(field, { target: { value: "nope" } });
    await fireEvent.submit(field.form!);
    await until(() => expect(screen.getByRole("alert").textContent).toBe("Wrong password."));
    await fireEvent.input(field, { target: { value: "correct horse battery" } });
    await fireEvent.submit(field.form!);
    await until(() => expect(screen.getByText("111 111")).toBeTruthy());
    expect(document.activeElement).toBe(screen.getByPlaceholderText("Type part of an account's name"));
    expect(calls.filter((c) => c.cmd === "unlock_vault")).toHaveLength(2);
  });

  it("locked with system sign-in alone: a focused button, Enter asks the system, then the codes", async () => {
    let locked = true;
    const now = Date.now();
    const off = { mode: "system", locked: false, system: true, system_ready: false, rewriting: false, failures: 0, retry_in: null };
    const calls = await renderPalette({
      get_codes: () => {
        if (locked) throw { code: "vault_locked", message: "Ninsho is locked", detail: null };
        return { now_ms: now, codes: [codeView("a1", "111111", "111 111", { valid_from_ms: now, valid_until_ms: now + 30000 })] };
      },
      lock_status: () => ({ ...off, locked, system_ready: locked }),
      unlock_by_system: () => {
        locked = false;
        return off;
      },
    });
    const button = await until(() => screen.getByText("Unlock with system sign-in"), 8000);
    await until(() => expect(document.activeElement).toBe(button));
    expect(screen.queryByPlaceholderText("Password")).toBeNull();
    expect(screen.queryByText("GitHub (alice)")).toBeNull();
    await fireEvent.click(button);
    await until(() => expect(screen.getByText("111 111")).toBeTruthy());
    expect(calls.filter((c) => c.cmd === "unlock_by_system")).toHaveLength(1);
  });
});
