//! Declares every command the UI may call; nothing unlisted is callable (each gets an
//! `allow-*` permission, granted to the main window in capabilities/main.json).

const COMMANDS: &[&str] = &[
    "app_status",
    "retry_keychain",
    "list_accounts",
    "get_codes",
    "copy_code",
    "scan_screen",
    "paste",
    "open_image",
    "preview_manual",
    "add_manual",
    "confirm_import",
    "discard_import",
    "trash_source",
    "edit_account",
    "set_pinned",
    "reorder_accounts",
    "delete_account",
    "get_recovery_codes",
    "set_recovery_codes",
    "transfer_qr",
    "restore_orphans",
    "delete_orphan",
    "get_settings",
    "set_settings",
    "check_clock",
    "hide_pick",
    "open_backup",
    "unlock_backup",
    "discard_backup",
    "export_vault",
    "google_qr_codes",
    "followed_folders",
    "follow_folder",
    "follow_unlock",
    "discard_follow",
    "follow_password",
    "follow_check",
    "unfollow",
    "resolve_removed",
    "sync_status",
    "sync_choose_folder",
    "sync_start",
    "discard_sync",
    "sync_now",
    "sync_leave",
];

fn main() {
    // New files under ui/dist are embedded only if the build reruns when they change.
    println!("cargo:rerun-if-changed=../ui/dist");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build configuration");
}
