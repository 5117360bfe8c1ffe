// The window's state: what Rust said last, and what the person is doing. Codes are fetched once
// per period; the countdown is drawn by CSS from valid_from/valid_until, with no timer IPC.
import {
  asAppError,
  ipc,
  type AccountView,
  type AppError,
  type AppStatus,
  type BackupStep,
  type ClockCheck,
  type FolderInfo,
  type SyncStatus,
  type SyncReport,
  type Report,
  type ScanPreview,
  type Settings,
  type SettingsView,
} from "./ipc";
import type { ItemProblem } from "./bindings/ItemProblem";
import { translate, errorText, type Key, type Lang } from "./i18n";

export type CodeState = {
  code: string | null;
  /** The code as people read it (`123 456`), grouped in Rust. */
  grouped: string | null;
  /** The next code, grouped; null unless the settings show it. */
  next: string | null;
  validFromMs: number | null;
  validUntilMs: number | null;
  /** Why there is no code: the account's keychain item is missing or damaged. */
  problem: ItemProblem | null;
};

export type Dialog =
  | { kind: "add" }
  | { kind: "preview"; preview: ScanPreview }
  | { kind: "manual" }
  | { kind: "edit"; account: AccountView }
  | { kind: "recovery"; account: AccountView }
  | { kind: "transfer"; account: AccountView }
  | { kind: "settings" }
  | { kind: "password"; token: string; format: string; file: string }
  | { kind: "export" }
  | { kind: "trash"; token: string; file: string }
  /** A followed folder's backups' password: a new folder (`token`) or a changed one (`folder`). */
  | { kind: "follow-password"; token: string | null; folder: string | null; app: string; name: string }
  /** The passphrase of a folder chosen for sync: a new one (asked twice) or to join. */
  | { kind: "sync-passphrase"; token: string; folder: string; join: boolean }
  /** A new passphrase for the folder this computer syncs with. */
  | { kind: "sync-new-passphrase"; folder: string };

/** `spoken`: what a screen reader hears instead of `text`, if it differs. */
export type Toast = { text: string; kind: "info" | "error"; id: number; spoken?: string };

/** Until Rust answers (and if it cannot): English, the defaults. */
const defaultSettings: SettingsView = {
  lang: "en",
  theme: "system",
  language: "system",
  clipboard_clear_seconds: 30,
  show_next_code: true,
  hide_codes: false,
  clock_server: "pool.ntp.org",
  clock_weekly: false,
  pick_shortcut: "Ctrl+Alt+K",
  close_to_tray: true,
  start_at_login: false,
  clock_checked_at: null,
  lock_idle_minutes: 5,
  lock_on_screen_lock: true,
  lock_on_sleep: true,
  lock_on_close: false,
  protect_windows: true,
};

class AppModel {
  status = $state<AppStatus | null>(null);
  accounts = $state<AccountView[]>([]);
  codes = $state<Record<string, CodeState>>({});
  /** Offset between Rust's clock and this page's clock, in ms (usually ~0). */
  clockSkewMs = $state(0);
  codesError = $state<AppError | null>(null);
  settings = $state<SettingsView>(defaultSettings);
  query = $state("");
  selected = $state(0);
  dialog = $state<Dialog | null>(null);
  toasts = $state<Toast[]>([]);
  busy = $state<string | null>(null);
  dragging = $state(false);
  loaded = $state(false);
  /**
   * Rust's clock as this page knows it, moved once a second (on the second) while the window is
   * shown and codes are listed; the countdown rings follow it.
   */
  now = $state(Date.now());
  /** The followed backup folders, as the settings page shows them. */
  folders = $state<FolderInfo[]>([]);
  /** Sync with a folder, as the settings page shows it (`null`: this computer does not sync). */
  sync = $state<SyncStatus | null>(null);
  /** The last clock check's answer (this session). */
  clock = $state<ClockCheck | null>(null);

  /**
   * Whether a person can see the page. Hidden, minimized or in the tray, Ninsho asks Rust for
   * nothing and draws no countdown; it catches up the moment it is shown again.
   */
  shown = $state(typeof document === "undefined" || !document.hidden);

  #timer: ReturnType<typeof setTimeout> | null = null;
  #tick: ReturnType<typeof setTimeout> | null = null;
  #toastId = 0;
  #onVisibility = () => {
    const shown = !document.hidden;
    if (shown === this.shown) return;
    this.shown = shown;
    if (shown) void this.refreshCodes();
    else this.#pause();
  };

  #pause() {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#tick) clearTimeout(this.#tick);
    this.#tick = null;
  }

  /** Moves `now` and sets the next move for just after the next whole second. */
  #ticking() {
    if (this.#tick) clearTimeout(this.#tick);
    this.#tick = null;
    const now = Date.now() + this.clockSkewMs;
    this.now = now;
    if (!this.shown || !Object.values(this.codes).some((c) => c.validUntilMs !== null)) return;
    this.#tick = setTimeout(() => this.#ticking(), 1000 - (now % 1000) + 5);
  }

  /** The language to show, as Rust resolved it (the tray and the native dialogs speak it too). */
  lang = $derived<Lang>(this.settings.lang);

  filtered = $derived.by(() => {
    const q = this.query.trim().toLowerCase();
    if (!q) return this.accounts;
    return this.accounts.filter((a) => `${a.issuer ?? ""} ${a.name}`.toLowerCase().includes(q));
  });

  keychainProblem = $derived.by(() => {
    const s = this.status;
    if (!s) return null;
    if (s.vault_error) return s.vault_error;
    const k = s.keychain;
    if (k && k.state !== "available") return { code: k.state, message: k.advice, detail: k.detail } satisfies AppError;
    return this.codesError && this.codesError.code.startsWith("keychain_") ? this.codesError : null;
  });

  /** The vault is encrypted and its key is not in memory, or system sign-in's gate is closed:
   * the window shows the unlock form. */
  locked = $derived(this.status?.lock?.locked === true);

  t = (key: Key, vars: Record<string, string | number> = {}) => translate(this.lang, key, vars);
  errorText = (e: Pick<AppError, "code"> & Partial<Pick<AppError, "detail">>) => errorText(this.lang, e);

  async start() {
    document.addEventListener("visibilitychange", this.#onVisibility);
    try {
      this.settings = await ipc.getSettings();
    } catch {
      this.settings = defaultSettings;
    }
    await this.refreshAll();
    this.loaded = true;
  }

  async refreshAll() {
    try {
      this.status = await ipc.appStatus();
    } catch (e) {
      this.status = null;
      this.toast(this.errorText(asAppError(e)), "error");
    }
    await this.refreshAccounts();
  }

  /** Unlocks with the password; on a wrong one the error is thrown for the form to show. */
  async unlock(password: string) {
    await ipc.unlockVault(password);
    this.codesError = null;
    await this.refreshAll();
  }

  /** Unlocks with system sign-in (the system's own prompt asks); a "no" is thrown for the form. */
  async unlockBySystem() {
    await ipc.unlockBySystem();
    this.codesError = null;
    await this.refreshAll();
  }

  /** Locks now (Ctrl+L, the lock button): the codes leave the window. */
  async lockNow() {
    try {
      await ipc.lockVault();
    } catch (e) {
      this.fail(e);
    }
    this.codes = {};
    await this.refreshAll();
  }

  async refreshAccounts() {
    try {
      this.accounts = await ipc.listAccounts();
    } catch (e) {
      this.accounts = [];
      this.codesError = asAppError(e);
      return;
    }
    if (this.selected >= this.filtered.length) this.selected = Math.max(0, this.filtered.length - 1);
    await this.refreshCodes();
  }

  /** Stops asking for codes (the window is going away; tests render a new app each time). */
  stop() {
    document.removeEventListener("visibilitychange", this.#onVisibility);
    this.#pause();
  }

  async refreshCodes() {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.accounts.length === 0) {
      this.codes = {};
      return;
    }
    try {
      const snapshot = await ipc.getCodes();
      const codes: Record<string, CodeState> = {};
      let soonest = Infinity;
      for (const c of snapshot.codes) {
        codes[c.id] = {
          code: c.code,
          grouped: c.grouped,
          next: c.next,
          validFromMs: c.valid_from_ms,
          validUntilMs: c.valid_until_ms,
          problem: c.problem,
        };
        if (c.valid_until_ms !== null) soonest = Math.min(soonest, c.valid_until_ms);
      }
      this.clockSkewMs = snapshot.now_ms - Date.now();
      this.codes = codes;
      this.codesError = null;
      this.#ticking();
      if (Number.isFinite(soonest) && this.shown) {
        // Ask again right after the earliest code expires: one call per period, not per second.
        const wait = Math.max(200, soonest - (Date.now() + this.clockSkewMs) + 60);
        this.#timer = setTimeout(() => this.refreshCodes(), wait);
      }
    } catch (e) {
      this.codes = {};
      this.codesError = asAppError(e);
      if (this.codesError.code.startsWith("keychain_") || this.codesError.code === "vault_locked") {
        try {
          this.status = await ipc.appStatus();
        } catch {
          /* the status call failing says nothing new */
        }
      }
    }
  }

  toast(text: string, kind: Toast["kind"] = "info", spoken?: string) {
    const id = ++this.#toastId;
    this.toasts = [...this.toasts.slice(-2), { text, kind, id, spoken }];
    setTimeout(() => (this.toasts = this.toasts.filter((t) => t.id !== id)), kind === "error" ? 7000 : 3500);
  }

  /** Says what went wrong; a reveal the person declined in Ninsho's own dialog is no error. */
  fail(e: unknown) {
    const error = asAppError(e);
    if (isDeclined(error)) return;
    this.toast(this.errorText(error), "error");
  }

  /** Deletes an account: Rust asks the person in a native dialog first (a script in the page
   * cannot delete without them), so there is no dialog of the page's own. */
  async deleteAccount(account: AccountView) {
    try {
      await ipc.deleteAccount(account.id);
      this.dialog = null;
      await this.refreshAccounts();
    } catch (e) {
      this.fail(e);
    }
  }

  async copy(account: AccountView, next = false) {
    try {
      // One command for every kind: a HOTP account's counter advances in Rust.
      const result = await ipc.copyCode(account.id, next);
      const s = result.clear_after_seconds;
      // Heard as "Code copied": the digits were just read in the row's name.
      this.toast(
        s > 0 ? this.t("copied.clear", { code: result.grouped, s }) : this.t("copied", { code: result.grouped }),
        "info",
        s > 0 ? this.t("copied.spoken.clear", { s }) : this.t("copied.spoken"),
      );
      if (account.kind === "hotp") {
        this.codes = { ...this.codes, [account.id]: { code: result.grouped.replace(/ /g, ""), grouped: result.grouped, next: null, validFromMs: null, validUntilMs: null, problem: null } };
      }
    } catch (e) {
      this.fail(e);
    }
  }

  /** Runs a scan-like action and opens its preview. */
  async scan(action: () => Promise<ScanPreview | null>, label: string) {
    this.busy = label;
    try {
      const preview = await action();
      if (preview) this.dialog = { kind: "preview", preview };
    } catch (e) {
      this.fail(e);
    } finally {
      this.busy = null;
    }
  }

  /** Shows what opening a backup gave: its preview, or the password prompt. */
  backupStep(step: BackupStep) {
    if (step.preview) this.dialog = { kind: "preview", preview: step.preview };
    else if (step.password_token)
      this.dialog = { kind: "password", token: step.password_token, format: step.format ?? "", file: step.file_name };
  }

  /** "Import from another app…": Rust asks for the file and reads it. */
  async importBackup() {
    this.busy = "backup";
    try {
      const step = await ipc.openBackup();
      if (step) this.backupStep(step);
    } catch (e) {
      this.fail(e);
    } finally {
      this.busy = null;
    }
  }

  async refreshFolders() {
    try {
      this.folders = await ipc.followedFolders();
    } catch {
      this.folders = [];
    }
  }

  /** "Follow a folder…": Rust asks for the folder; encrypted backups then ask for their password. */
  async followFolder() {
    this.busy = "follow";
    try {
      const step = await ipc.followFolder();
      if (step?.report) this.followed(step.report, step.folder);
      else if (step?.password_token)
        this.dialog = { kind: "follow-password", token: step.password_token, folder: null, app: step.app ?? "", name: step.folder };
    } catch (e) {
      this.fail(e);
    } finally {
      this.busy = null;
    }
  }

  /** Says what following a folder (or entering its password) did. */
  followed(report: Report, folder: string) {
    this.toast(this.t("follow.done", { folder, n: report.added.length }));
    this.refreshFolders();
  }

  /** Asked again on every change; an answer older than the last one asked is dropped. */
  #syncAsked = 0;

  /** Whether this computer syncs, and how. A failed read is said as what it is (a folder that
   * cannot be read, a lock held elsewhere), never shown as "does not sync". */
  async refreshSync() {
    const asked = ++this.#syncAsked;
    try {
      const status = await ipc.syncStatus();
      if (asked === this.#syncAsked) this.sync = status;
    } catch (e) {
      if (asked === this.#syncAsked) this.fail(e);
    }
  }

  /** "Choose a folder…" for sync: Rust asks for the folder; then its passphrase is asked. */
  async chooseSyncFolder() {
    this.busy = "sync";
    try {
      const choice = await ipc.syncChooseFolder();
      if (choice) this.dialog = { kind: "sync-passphrase", token: choice.token, folder: choice.folder, join: choice.join };
    } catch (e) {
      this.fail(e);
    } finally {
      this.busy = null;
    }
  }

  /** Says what setting up or joining sync did. */
  synced(report: SyncReport, folder: string) {
    this.toast(this.t("sync.done", { folder, n: report.added.length }));
    this.refreshSync();
  }

  /** The clock check in words: how far off, and on a wrong clock what to do on this system. */
  clockText(c: ClockCheck): string {
    const secs = Math.abs(c.offset_ms) / 1000;
    const how =
      secs < 0.05
        ? this.t("clock.right_on", { server: c.server })
        : this.t(c.offset_ms > 0 ? "clock.behind" : "clock.ahead", { s: secs.toFixed(1), server: c.server });
    return c.wrong ? `${how} ${this.t("clock.wrong")} ${this.t(`clock.fix.${c.system}`)}` : `${how} ${this.t("clock.fine")}`;
  }

  async saveSettings(next: Settings) {
    try {
      this.settings = await ipc.setSettings(next);
    } catch (e) {
      this.fail(e);
    }
  }

  async retry() {
    try {
      this.status = await ipc.retryKeychain();
    } catch (e) {
      this.fail(e);
    }
    await this.refreshAccounts();
  }

  /** Effective theme for this moment. */
  theme(prefersDark: boolean): "light" | "dark" {
    if (this.settings.theme === "light" || this.settings.theme === "dark") return this.settings.theme;
    return prefersDark ? "dark" : "light";
  }
}

/** The person said no in the native dialog that asks before a secret is shown. */
export function isDeclined(e: unknown): boolean {
  return asAppError(e).code === "reveal_declined";
}

export const app = new AppModel();
export type { AppModel };
