// The encrypted mode in the window: a locked vault shows the unlock form and no code; the
// password typed and Enter unlocks; a wrong one is said; Ctrl+L locks; the settings turn it on.
import { fireEvent, screen } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import type { AppError, LockStatus } from "./lib/ipc";
import { account, codeView, renderApp, status, until } from "./test/harness";

const lock = (locked: boolean, extra: Partial<LockStatus> = {}): LockStatus => ({
  mode: "password", locked, system: false, system_ready: false, rewriting: false, failures: 0, retry_in: null, ...extra,
});
const lockedError: AppError = { code: "vault_locked", message: "Ninsho is locked", detail: null };

describe("the lock", () => {
  it("a locked vault shows the unlock form, no code; the password and Enter unlock", async () => {
    let locked = true;
    const { calls } = await renderApp({
      app_status: () => status({ account_count: 1, lock: lock(locked) }),
      list_accounts: () => [account("a1", "GitHub", "me")],
      get_codes: () => {
        if (locked) throw lockedError;
        return { now_ms: Date.now(), codes: [codeView("a1", "123456", "123 456")] };
      },
      unlock_vault: (a) => {
        if (a.password !== "correct horse battery") throw { code: "lock_wrong_password", message: "wrong password", detail: null };
        locked = false;
        return lock(false);
      },
    });
    await until(() => expect(screen.getByText("Ninsho is locked")).toBeTruthy(), 8000);
    expect(document.body.textContent).not.toContain("123");
    expect(screen.queryByText("GitHub")).toBeNull();
    const field = screen.getByLabelText("Password") as HTMLInputElement;
    expect(document.activeElement).toBe(field);

    await fireEvent.input(field, { target: { value: "wrong one" } });
    await fireEvent.submit(field.form!);
    await until(() => expect(screen.getByRole("alert").textContent).toBe("Wrong password."));
    expect(field.value).toBe("");

    await fireEvent.input(field, { target: { value: "correct horse battery" } });
    await fireEvent.submit(field.form!);
    await until(() => expect(screen.getByText("123 456")).toBeTruthy());
    expect(screen.queryByText("Ninsho is locked")).toBeNull();
    expect(calls.filter((c) => c.cmd === "unlock_vault").map((c) => c.args.password)).toEqual(["wrong one", "correct horse battery"]);
  });

  it("Ctrl+L locks: the codes leave the window", async () => {
    let locked = false;
    const { calls } = await renderApp({
      app_status: () => status({ account_count: 1, lock: lock(locked) }),
      list_accounts: () => [account("a1", "GitHub", "me")],
      get_codes: () => {
        if (locked) throw lockedError;
        return { now_ms: Date.now(), codes: [codeView("a1", "123456", "123 456")] };
      },
      lock_vault: () => {
        locked = true;
        return lock(true);
      },
    });
    await until(() => expect(screen.getByText("123 456")).toBeTruthy(), 8000);
    await fireEvent.keyDown(window, { key: "l", ctrlKey: true });
    await until(() => expect(screen.getByText("Ninsho is locked")).toBeTruthy());
    expect(calls.some((c) => c.cmd === "lock_vault")).toBe(true);
    expect(document.body.textContent).not.toContain("123 456");
  });

  it("the recovery form sends the key and the new password, and refuses two different passwords", async () => {
    const { calls } = await renderApp({
      app_status: () => status({ lock: lock(true) }),
      recover_vault: () => lock(false),
    });
    await until(() => expect(screen.getByText("Ninsho is locked")).toBeTruthy(), 8000);
    await fireEvent.click(screen.getByText("Forgot the password?"));
    await fireEvent.input(screen.getByLabelText("Recovery key"), { target: { value: "ABCD-EFGH" } });
    await fireEvent.input(screen.getByLabelText("New password"), { target: { value: "a new password" } });
    await fireEvent.input(screen.getByLabelText("Repeat the new password"), { target: { value: "another one" } });
    await fireEvent.submit((screen.getByLabelText("Recovery key") as HTMLInputElement).form!);
    await until(() => expect(screen.getByRole("alert").textContent).toBe("The two passwords differ."));
    expect(calls.some((c) => c.cmd === "recover_vault")).toBe(false);
    await fireEvent.input(screen.getByLabelText("Repeat the new password"), { target: { value: "a new password" } });
    await fireEvent.submit((screen.getByLabelText("Recovery key") as HTMLInputElement).form!);
    await until(() => expect(calls.find((c) => c.cmd === "recover_vault")?.args).toEqual({ recoveryKey: "ABCD-EFGH", password: "a new password" }));
  });

  it("the settings turn encryption on with a password typed twice; the recovery key is not in the window", async () => {
    let on = false;
    const { calls } = await renderApp({
      app_status: () => (on ? status({ lock: lock(false) }) : status()),
      enable_lock: () => {
        on = true;
        return lock(false);
      },
    });
    await until(() => expect(screen.getByText("No accounts yet")).toBeTruthy(), 8000);
    await fireEvent.keyDown(window, { key: ",", ctrlKey: true });
    await until(() => expect(screen.getByText("Encrypt with a password")).toBeTruthy());
    await fireEvent.input(screen.getByLabelText("New password"), { target: { value: "correct horse battery" } });
    await fireEvent.input(screen.getByLabelText("Repeat the new password"), { target: { value: "correct horse battery" } });
    await fireEvent.click(screen.getByText("Encrypt"));
    await until(() => expect(screen.getByText("On: the secrets are encrypted with your password.")).toBeTruthy());
    expect(calls.find((c) => c.cmd === "enable_lock")?.args).toEqual({ password: "correct horse battery" });
    expect(screen.getByText("Lock now (Ctrl+L)")).toBeTruthy();
  });

  it("system sign-in alone: one focused button asks the system; its no is said; its yes shows the codes", async () => {
    let locked = true;
    let asked = 0;
    const { calls } = await renderApp({
      app_status: () => status({ account_count: 1, lock: lock(locked, { mode: "system", system: true, system_ready: locked }) }),
      list_accounts: () => [account("a1", "GitHub", "me")],
      get_codes: () => {
        if (locked) throw lockedError;
        return { now_ms: Date.now(), codes: [codeView("a1", "123456", "123 456")] };
      },
      unlock_by_system: () => {
        asked += 1;
        if (asked === 1) throw { code: "system_auth_no_agent", message: "no agent", detail: null };
        locked = false;
        return lock(false, { mode: "system", system: true });
      },
    });
    await until(() => expect(screen.getByText("Ninsho is locked")).toBeTruthy(), 8000);
    // No password field: there is no password to type, and the button has the focus (Enter).
    expect(screen.queryByLabelText("Password")).toBeNull();
    const button = screen.getByText("Unlock with system sign-in");
    expect(document.activeElement).toBe(button);
    expect(document.body.textContent).not.toContain("123");

    await fireEvent.click(button);
    await until(() => expect(screen.getByRole("alert").textContent).toContain("No polkit agent runs in this session"));
    expect(document.body.textContent).not.toContain("123 456");
    await fireEvent.click(screen.getByText("Unlock with system sign-in"));
    await until(() => expect(screen.getByText("123 456")).toBeTruthy());
    expect(calls.filter((c) => c.cmd === "unlock_by_system")).toHaveLength(2);
    expect(calls.some((c) => c.cmd === "unlock_vault")).toBe(false);
  });

  it("with the password mode, system sign-in is offered only when it can re-open; the password form stays", async () => {
    await renderApp({ app_status: () => status({ lock: lock(true, { system: true, system_ready: false }) }) });
    await until(() => expect(screen.getByText("Ninsho is locked")).toBeTruthy(), 8000);
    expect(screen.queryByText("Unlock with system sign-in")).toBeNull();
    expect(document.activeElement).toBe(screen.getByLabelText("Password"));

    await renderApp({ app_status: () => status({ lock: lock(true, { system: true, system_ready: true }) }) });
    await until(() => expect(screen.getByText("Unlock with system sign-in")).toBeTruthy(), 8000);
    expect(document.activeElement).toBe(screen.getByLabelText("Password"));
  });

  it("the settings turn system sign-in on (the system asks) and say why it could not", async () => {
    let on = false;
    let tries = 0;
    const { calls } = await renderApp({
      app_status: () => status({ lock: on ? lock(false, { mode: "system", system: true }) : lock(false, { mode: "off" }) }),
      enable_system_unlock: () => {
        tries += 1;
        if (tries === 1) throw { code: "system_auth_no_polkit", message: "no polkit", detail: "no system bus" };
        on = true;
        return lock(false, { mode: "system", system: true });
      },
    });
    await until(() => expect(screen.getByText("No accounts yet")).toBeTruthy(), 8000);
    await fireEvent.keyDown(window, { key: ",", ctrlKey: true });
    await until(() => expect(screen.getByText("System sign-in")).toBeTruthy());
    // No lock yet: no triggers to choose.
    expect(screen.queryByText("Lock when the screen locks")).toBeNull();
    await fireEvent.click(screen.getByText("Turn on system sign-in"));
    await until(() => expect(screen.getByRole("alert").textContent).toContain("(no system bus)"));
    await fireEvent.click(screen.getByText("Turn on system sign-in"));
    await until(() => expect(screen.getByText("On: Ninsho opens with system sign-in.")).toBeTruthy());
    expect(calls.filter((c) => c.cmd === "enable_system_unlock")).toHaveLength(2);
    expect(screen.getByText("Lock when the screen locks")).toBeTruthy();
    expect(screen.getByText("Turn off system sign-in")).toBeTruthy();
  });
  it("the settings say when the system keeps the key (after a restart too), and only then", async () => {
    const kept = "Your system keeps the encryption key behind its own sign-in (the macOS Keychain or Windows Hello), so system sign-in also opens Ninsho after a restart.";
    for (const guard of ["windows-hello", undefined]) {
      await renderApp({
        app_status: () => status({ lock: lock(false, { system: true, ...(guard ? { system_guard: guard } : {}) }) }),
      });
      await until(() => expect(screen.getByText("No accounts yet")).toBeTruthy(), 8000);
      await fireEvent.keyDown(window, { key: ",", ctrlKey: true });
      await until(() => expect(screen.getByText("System sign-in")).toBeTruthy());
      expect(screen.queryByText(kept) !== null).toBe(guard !== undefined);
    }
  });
});
