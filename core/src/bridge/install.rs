//! Where each browser looks for native messaging hosts, and the manifest that lets Ninsho's
//! extension (and only it) start `ninsho-host`. Written for the current user by
//! `ninsho-cli browser install`; the packages install them system-wide.

use std::path::{Path, PathBuf};

use serde_json::json;

/// The host's name, as the extension calls it (`runtime.sendNativeMessage`).
pub const HOST_NAME: &str = "io.ninsho.host";
/// The Chromium-family extension id, pinned by the public `key` in its manifest.
pub const CHROMIUM_EXTENSION_ID: &str = "hodjghnbaajlcegfgjokkfdjaihngned";
/// The manifest `key` that pins [`CHROMIUM_EXTENSION_ID`] (a public key; nothing secret).
pub const CHROMIUM_EXTENSION_KEY: &str = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAxwGslyK10siQT4+lo853WnLj5oQgvvLhXmpUMYpSj8dItnqWkg+8feUyfGBoRClhKp2IIydz+aIrnUaZmQ0vlKidt75Z44dKvUkc1ETtY/xboRIKQWGIeLbEsoob5zyOqbwqY11e9qG1pk3eEjj06ZOI8lBzcGj3pTD5b0pNoqrVTwHbDZlIIesRayna97vHQrl1hcARUb5CXt/E6DlEReaVygcWOg/IhB6A+qPOP7mt9j8fkrE6c1mJAfLSGT46hzshCRcSbB+iRFRcERD8oNkBmc+CaKBiajHaOZxQBCt3wpy5V893OBMXJx/dkwZ1fo7QvctSxyWVHriUA4B/4QIDAQAB";
/// The Firefox add-on id (`browser_specific_settings.gecko.id`).
pub const FIREFOX_EXTENSION_ID: &str = "fill@ninsho.app";

/// The browsers Ninsho's host can be installed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Browser {
    Chromium,
    Chrome,
    Brave,
    Edge,
    Vivaldi,
    Firefox,
}

impl Browser {
    pub const ALL: [Browser; 6] = [
        Browser::Chromium,
        Browser::Chrome,
        Browser::Brave,
        Browser::Edge,
        Browser::Vivaldi,
        Browser::Firefox,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Browser::Chromium => "chromium",
            Browser::Chrome => "chrome",
            Browser::Brave => "brave",
            Browser::Edge => "edge",
            Browser::Vivaldi => "vivaldi",
            Browser::Firefox => "firefox",
        }
    }

    pub fn from_name(name: &str) -> Option<Browser> {
        Browser::ALL.into_iter().find(|b| b.name() == name)
    }

    /// The folder under the home folder where this browser looks for the user's hosts (Linux
    /// and macOS; on Windows a browser finds the manifest through the registry, see
    /// [`Browser::registry_key`]).
    pub fn user_dir(self, home: &Path) -> PathBuf {
        if cfg!(target_os = "macos") {
            let support = home.join("Library/Application Support");
            return match self {
                Browser::Chromium => support.join("Chromium/NativeMessagingHosts"),
                Browser::Chrome => support.join("Google/Chrome/NativeMessagingHosts"),
                Browser::Brave => support.join("BraveSoftware/Brave-Browser/NativeMessagingHosts"),
                Browser::Edge => support.join("Microsoft Edge/NativeMessagingHosts"),
                Browser::Vivaldi => support.join("Vivaldi/NativeMessagingHosts"),
                Browser::Firefox => support.join("Mozilla/NativeMessagingHosts"),
            };
        }
        let config = home.join(".config");
        match self {
            Browser::Chromium => config.join("chromium/NativeMessagingHosts"),
            Browser::Chrome => config.join("google-chrome/NativeMessagingHosts"),
            Browser::Brave => config.join("BraveSoftware/Brave-Browser/NativeMessagingHosts"),
            Browser::Edge => config.join("microsoft-edge/NativeMessagingHosts"),
            Browser::Vivaldi => config.join("vivaldi/NativeMessagingHosts"),
            Browser::Firefox => home.join(".mozilla/native-messaging-hosts"),
        }
    }

    /// Where the host's manifest for this browser goes for the current user, from the
    /// environment: [`Browser::user_dir`] of `$HOME`, or on Windows a folder of Ninsho's own
    /// in `%LOCALAPPDATA%` (the registry then points the browser at it). `None` when the
    /// environment names no such folder.
    pub fn default_dir(self) -> Option<PathBuf> {
        let var = |name| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        if cfg!(windows) {
            return Some(
                var("LOCALAPPDATA")?
                    .join("Ninsho")
                    .join("NativeMessagingHosts")
                    .join(self.name()),
            );
        }
        Some(self.user_dir(&var("HOME")?))
    }

    /// The registry key under `HKEY_CURRENT_USER` whose default value Windows browsers read
    /// for the manifest's path. (Vivaldi has no key of its own documented: it is given
    /// Chrome's, which Chromium-based browsers read.)
    pub fn registry_key(self) -> String {
        let vendor = match self {
            Browser::Chromium => "Chromium",
            Browser::Chrome | Browser::Vivaldi => r"Google\Chrome",
            Browser::Brave => r"BraveSoftware\Brave-Browser",
            Browser::Edge => r"Microsoft\Edge",
            Browser::Firefox => "Mozilla",
        };
        format!(r"Software\{vendor}\NativeMessagingHosts\{HOST_NAME}")
    }

    /// The host manifest for this browser, naming `host` (an absolute path).
    pub fn manifest(self, host: &Path) -> serde_json::Value {
        let common = json!({
            "name": HOST_NAME,
            "description": "Ninsho: login codes for the sites they belong to",
            "path": host.display().to_string(),
            "type": "stdio",
        });
        let mut m = common;
        match self {
            Browser::Firefox => {
                m["allowed_extensions"] = json!([FIREFOX_EXTENSION_ID]);
            }
            _ => {
                m["allowed_origins"] =
                    json!([format!("chrome-extension://{CHROMIUM_EXTENSION_ID}/")]);
            }
        }
        m
    }
}

/// `ninsho-host` beside `program` (the CLI or the app: a package installs them in one
/// folder), when it is there.
pub fn host_beside(program: &Path) -> Option<PathBuf> {
    let host = program.with_file_name(if cfg!(windows) {
        "ninsho-host.exe"
    } else {
        "ninsho-host"
    });
    host.exists().then_some(host)
}

/// Writes the manifest for `browser` into `dir` (made if missing); returns its path.
pub fn install(browser: Browser, dir: &Path, host: &Path) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("{HOST_NAME}.json"));
    let text = serde_json::to_string_pretty(&browser.manifest(host)).unwrap_or_default();
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut temp, text.as_bytes())?;
    temp.persist(&path).map_err(|e| e.error)?;
    #[cfg(windows)]
    register(&browser.registry_key(), &path)?;
    Ok(path)
}

/// Points `key` (under `HKEY_CURRENT_USER`) at the manifest: its default value, a string.
#[cfg(windows)]
fn register(key: &str, manifest: &Path) -> std::io::Result<()> {
    use windows_sys::Win32::System::Registry::{
        HKEY, HKEY_CURRENT_USER, KEY_SET_VALUE, REG_OPTION_NON_VOLATILE, REG_SZ, RegCloseKey,
        RegCreateKeyExW, RegSetValueExW,
    };
    let wide = |s: &str| {
        s.encode_utf16()
            .chain(std::iter::once(0))
            .collect::<Vec<u16>>()
    };
    let name = wide(key);
    let value = wide(&manifest.display().to_string());
    let mut hkey: HKEY = std::ptr::null_mut();
    // SAFETY: `name` is NUL-terminated; `hkey` is valid for a write; no class, no security
    // attributes, no disposition asked for.
    let rc = unsafe {
        RegCreateKeyExW(
            HKEY_CURRENT_USER,
            name.as_ptr(),
            0,
            std::ptr::null(),
            REG_OPTION_NON_VOLATILE,
            KEY_SET_VALUE,
            std::ptr::null(),
            &mut hkey,
            std::ptr::null_mut(),
        )
    };
    if rc != 0 {
        return Err(std::io::Error::from_raw_os_error(rc as i32));
    }
    // SAFETY: `hkey` is open; `value` holds its bytes, the final NUL included, as REG_SZ wants.
    let rc = unsafe {
        RegSetValueExW(
            hkey,
            std::ptr::null(),
            0,
            REG_SZ,
            value.as_ptr().cast(),
            (value.len() * 2) as u32,
        )
    };
    // SAFETY: `hkey` was opened above and is closed once.
    unsafe { RegCloseKey(hkey) };
    if rc != 0 {
        return Err(std::io::Error::from_raw_os_error(rc as i32));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use sha2::{Digest, Sha256};

    use super::*;

    #[test]
    fn the_pinned_id_is_the_one_the_key_gives() {
        // Chromium: the first 16 bytes of SHA-256 of the key, each nibble as a letter a–p.
        let der = base64::engine::general_purpose::STANDARD
            .decode(CHROMIUM_EXTENSION_KEY)
            .unwrap();
        let id: String = Sha256::digest(&der)[..16]
            .iter()
            .flat_map(|b| [b >> 4, b & 15])
            .map(|n| (b'a' + n) as char)
            .collect();
        assert_eq!(id, CHROMIUM_EXTENSION_ID);
    }

    #[test]
    fn the_packages_manifests_are_the_ones_install_writes() {
        let host = Path::new("/usr/bin/ninsho-host");
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../packaging/native-messaging");
        for (file, browser) in [
            ("chromium.json", Browser::Chromium),
            ("firefox.json", Browser::Firefox),
        ] {
            let shipped: serde_json::Value =
                serde_json::from_slice(&std::fs::read(root.join(file)).unwrap()).unwrap();
            assert_eq!(shipped, browser.manifest(host), "{file}");
        }
    }

    #[test]
    fn manifests_allow_only_ninshos_extension() {
        let dir = tempfile::tempdir().unwrap();
        let host = Path::new("/usr/bin/ninsho-host");
        let p = install(Browser::Chromium, dir.path(), host).unwrap();
        let m: serde_json::Value = serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
        assert_eq!(m["name"], HOST_NAME);
        assert_eq!(m["path"], "/usr/bin/ninsho-host");
        assert_eq!(
            m["allowed_origins"],
            json!([format!("chrome-extension://{CHROMIUM_EXTENSION_ID}/")])
        );
        let f = Browser::Firefox.manifest(host);
        assert_eq!(f["allowed_extensions"], json!([FIREFOX_EXTENSION_ID]));
        assert!(f.get("allowed_origins").is_none());
        assert_eq!(
            Browser::Firefox.user_dir(Path::new("/home/m")),
            Path::new("/home/m/.mozilla/native-messaging-hosts")
        );
    }
}
