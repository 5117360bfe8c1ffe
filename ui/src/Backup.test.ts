// Importing another app's backup and exporting the vault, with Rust mocked at the IPC boundary.
import { emit } from "@tauri-apps/api/event";
import { fireEvent, screen, within } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import type { ExportDone, ScanPreview } from "./lib/ipc";
import type { PreviewItem } from "./lib/bindings/PreviewItem";
import { renderApp, until } from "./test/harness";

const item = (index: number, issuer: string, name: string, duplicate_of: string | null = null): PreviewItem => ({
  index, issuer, name, shown_name: name, kind: "totp", digits: 6, period: 30, duplicate_of, repeats: null,
});

const backupPreview: ScanPreview = {
  token: "tok-preview",
  source: "backup",
  items: [item(0, "Codeberg", "mika"), item(1, "GitHub", "mika", "GitHub (mika)")],
  notes: [{ code: "rejected_entry", message: "Yandex (3): Yandex codes are not supported", what: null, detail: null, error: null }],
  batches: [],
  file_name: "ente-export.txt",
  codes_found: 2,
  format: "Ente Auth",
};

async function openImport(handlers: Parameters<typeof renderApp>[0]) {
  const r = await renderApp(handlers);
  await fireEvent.click(screen.getByLabelText("Add account"));
  await fireEvent.click(await screen.findByText("Import from another app…"));
  return r;
}

describe("import from another app", () => {
  it("an encrypted backup asks for its password, keeps the dialog on a wrong one, then previews", async () => {
    let tries = 0;
    const { calls } = await openImport({
      open_backup: () => ({ preview: null, password_token: "tok-locked", format: "Aegis", file_name: "aegis.json" }),
      unlock_backup: (a) => {
        tries++;
        if (a.password !== "right") throw { code: "wrong_password", message: "wrong password for this Aegis backup", detail: null };
        return { ...backupPreview, format: "Aegis", file_name: "aegis.json" };
      },
      confirm_import: () => ({ added: 1, skipped: [], repeated: [], errors: [] }),
    });
    const dialog = await screen.findByRole("dialog", { name: "Encrypted backup" });
    expect(within(dialog).getByText(/aegis\.json is an encrypted Aegis backup/)).toBeTruthy();
    const input = within(dialog).getByLabelText("Backup password") as HTMLInputElement;
    expect(input.type).toBe("password");
    await fireEvent.input(input, { target: { value: "wrong" } });
    await fireEvent.click(within(dialog).getByText("Unlock"));
    await until(() => expect(within(dialog).getByRole("alert").textContent).toMatch(/Wrong password/));
    expect(screen.getByRole("dialog", { name: "Encrypted backup" })).toBeTruthy();
    await fireEvent.input(input, { target: { value: "right" } });
    await fireEvent.click(within(dialog).getByText("Unlock"));
    const preview = await screen.findByRole("dialog", { name: "Add accounts" });
    expect(tries).toBe(2);
    expect(calls.filter((c) => c.cmd === "unlock_backup").map((c) => c.args)).toEqual([
      { token: "tok-locked", password: "wrong" },
      { token: "tok-locked", password: "right" },
    ]);
    // The same preview as a scan: source named, per-entry errors shown, duplicates unchecked.
    expect(within(preview).getByText("Aegis backup: aegis.json")).toBeTruthy();
    expect(within(preview).getByText("Not imported — Yandex (3): Yandex codes are not supported")).toBeTruthy();
    const boxes = within(preview).getAllByRole("checkbox") as HTMLInputElement[];
    expect(boxes.map((b) => b.checked)).toEqual([true, false]);
    await fireEvent.click(within(preview).getByText("Add 1"));
    await until(() => expect(screen.getByText("Added 1 account")).toBeTruthy());
    expect(calls.find((c) => c.cmd === "confirm_import")?.args).toEqual({ token: "tok-preview", selected: [0], force: false });
    // A backup file is not offered to the trash (a screenshot is).
    expect(screen.queryByText(/Move .* to the trash/)).toBeNull();
  });

  it("cancelling the password prompt forgets the waiting file", async () => {
    const { calls } = await openImport({
      open_backup: () => ({ preview: null, password_token: "tok-locked", format: "2FAS", file_name: "x.2fas" }),
      discard_backup: () => undefined,
    });
    const dialog = await screen.findByRole("dialog", { name: "Encrypted backup" });
    await fireEvent.click(within(dialog).getByText("Cancel"));
    await until(() => expect(calls.some((c) => c.cmd === "discard_backup" && c.args.token === "tok-locked")).toBe(true));
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("a file that is no backup says which apps are read", async () => {
    await openImport({
      open_backup: () => {
        throw { code: "format_unrecognized", message: "x", detail: null };
      },
    });
    await until(() => expect(screen.getByText(/not a backup Ninsho recognizes.*Aegis, 2FAS/)).toBeTruthy());
  });

  it("a backup dropped on the window opens its preview or its password prompt", async () => {
    await renderApp({});
    await emit("drop-backup", { preview: backupPreview, password_token: null, format: null, file_name: "ente-export.txt" });
    await until(() => expect(screen.getByText("Ente Auth backup: ente-export.txt")).toBeTruthy());
    await fireEvent.click(screen.getByText("Cancel"));
    await emit("drop-backup", { preview: null, password_token: "t", format: "Stratum (Authenticator Pro)", file_name: "auth.authpro" });
    await until(() => expect(screen.getByText(/auth\.authpro is an encrypted Stratum/)).toBeTruthy());
  });
});

describe("export", () => {
  async function openExport(handlers: Parameters<typeof renderApp>[0]) {
    const r = await renderApp(handlers);
    await fireEvent.click(screen.getByLabelText("Settings"));
    await fireEvent.click(await screen.findByText("Export…"));
    return { ...r, dialog: await screen.findByRole("dialog", { name: "Export accounts" }) };
  }

  it("the encrypted vault needs the same password twice", async () => {
    const { dialog, calls } = await openExport({
      export_vault: () => ({ files: ["/home/mika/ninsho-aegis-encrypted.json"], exported: 3, skipped: [] }),
    });
    const save = within(dialog).getByText("Save…") as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    await fireEvent.input(within(dialog).getByLabelText("Password"), { target: { value: "long enough pass" } });
    await fireEvent.input(within(dialog).getByLabelText("Repeat the password"), { target: { value: "long enough pas" } });
    await until(() => expect(within(dialog).getByText("The passwords differ.")).toBeTruthy());
    expect(save.disabled).toBe(true);
    await fireEvent.input(within(dialog).getByLabelText("Repeat the password"), { target: { value: "long enough pass" } });
    await until(() => expect(save.disabled).toBe(false));
    await fireEvent.click(save);
    await until(() => expect(screen.getByText("Exported 3 accounts to /home/mika/ninsho-aegis-encrypted.json")).toBeTruthy());
    expect(calls.find((c) => c.cmd === "export_vault")?.args).toEqual({ format: "aegis", password: "long enough pass" });
  });

  it("plain-text formats warn; Rust's native dialog confirms them; no password is sent", async () => {
    let answer: () => ExportDone | null = () => {
      throw { code: "reveal_declined", message: "Nothing was shown.", detail: null };
    };
    const { dialog, calls } = await openExport({ export_vault: () => answer() });
    await fireEvent.click(within(dialog).getByLabelText(/otpauth link list/));
    await until(() => expect(dialog.querySelector(".warning")?.textContent).toMatch(/unencrypted/));
    expect(within(dialog).queryByRole("checkbox")).toBeNull();
    const save = within(dialog).getByText("Save…") as HTMLButtonElement;
    expect(save.disabled).toBe(false);
    // Declined in the native dialog: nothing happens, no error, the dialog stays.
    await fireEvent.click(save);
    await until(() => expect(calls.some((c) => c.cmd === "export_vault")).toBe(true));
    expect(calls.find((c) => c.cmd === "export_vault")?.args).toEqual({ format: "uris", password: null });
    await until(() => expect(save.disabled).toBe(false));
    expect(screen.queryByRole("alert")).toBeNull();
    expect(screen.getByRole("dialog", { name: "Export accounts" })).toBeTruthy();

    answer = () => ({ files: ["/tmp/ninsho-otpauth.txt"], exported: 2, skipped: [] });
    await fireEvent.click(save);
    await until(() => expect(screen.getByText("Exported 2 accounts to /tmp/ninsho-otpauth.txt")).toBeTruthy());
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("a Google QR image already there is named, and nothing is written", async () => {
    const { dialog } = await openExport({
      export_vault: () => {
        throw { code: "export_exists", message: "/tmp/phone-2-of-2.png already exists; nothing was exported", detail: "phone-2-of-2.png" };
      },
    });
    await fireEvent.click(within(dialog).getByLabelText(/QR codes for Google Authenticator/));
    await fireEvent.click(within(dialog).getByText("Save as images…"));
    await until(() =>
      expect(screen.getByRole("alert").textContent).toBe(
        "phone-2-of-2.png is already there; nothing was exported. Choose another name or an empty folder.",
      ),
    );
  });

  it("Google Authenticator QR codes are shown one at a time, with what cannot be exported", async () => {
    const svg = (n: number) => `<svg xmlns="http://www.w3.org/2000/svg" data-page="${n}"></svg>`;
    const { dialog } = await openExport({
      google_qr_codes: () => ({ svgs: [svg(1), svg(2)], exported: 12, skipped: ["Steam (mika): Steam codes cannot be exported"] }),
    });
    await fireEvent.click(within(dialog).getByLabelText(/QR codes for Google Authenticator/));
    await fireEvent.click(within(dialog).getByText("Show QR codes"));
    await until(() => expect(within(dialog).getByText("QR code 1 of 2 (12 accounts in all)")).toBeTruthy());
    expect(dialog.querySelector("[data-testid=google-qr] svg")?.getAttribute("data-page")).toBe("1");
    expect(within(dialog).getByText(/Not exported — Steam \(mika\)/)).toBeTruthy();
    await fireEvent.click(within(dialog).getByText("Next"));
    await until(() => expect(dialog.querySelector("[data-testid=google-qr] svg")?.getAttribute("data-page")).toBe("2"));
    expect((within(dialog).getByText("Next") as HTMLButtonElement).disabled).toBe(true);
  });
});
