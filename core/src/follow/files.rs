//! Which file of a followed folder is the newest backup.
//!
//! Apps that back up automatically write a new file per backup with the time in its name
//! (`aegis-backup-20261201-101530.json`, `2fas-backup-20261201101530.2fas`) and delete the
//! oldest. A sync engine delivers them under temporary names first, or half written. So the
//! files are ordered by the time in their name (then their modification time), a sync engine's
//! temporary names are never read, and the caller tries the newest first and falls back to an
//! older one when the newest is not complete yet.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

/// A file that may be a backup, with what orders it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub path: PathBuf,
    pub name: String,
    /// The time in the name as the number YYYYMMDDhhmmss, when the name has one.
    pub stamp: Option<u64>,
    /// Modification time, Unix seconds.
    pub modified: u64,
    pub size: u64,
}

impl Candidate {
    /// Newer candidates sort greater: by the time in the name, then the modification time,
    /// then the name (a sync engine's conflict copy of the same backup sorts next to it).
    pub fn order(&self) -> (u64, u64, &str) {
        (self.stamp.unwrap_or(0), self.modified, &self.name)
    }

    /// What identifies this exact file: the same name, size and modification time is the
    /// same content (it is not read again).
    pub fn identity(&self) -> FileIdentity {
        FileIdentity {
            name: self.name.clone(),
            size: self.size,
            modified: self.modified,
            stamp: self.stamp,
        }
    }
}

/// A file as it was when it was applied.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileIdentity {
    pub name: String,
    pub size: u64,
    pub modified: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stamp: Option<u64>,
}

impl FileIdentity {
    pub fn order(&self) -> (u64, u64, &str) {
        (self.stamp.unwrap_or(0), self.modified, &self.name)
    }
}

/// A name a sync engine or a browser gives a file it has not finished writing: hidden files
/// (Syncthing's `.syncthing.NAME.tmp`, Nextcloud's and rsync's `.NAME.XXXXXX`), and the
/// partial-download suffixes of Nextcloud, Dropbox, OneDrive, browsers and `curl`/`wget`.
pub fn is_partial_name(name: &str) -> bool {
    const SUFFIXES: [&str; 9] = [
        ".tmp",
        ".temp",
        ".part",
        ".partial",
        ".crdownload",
        ".download",
        ".!sync",
        ".swp",
        "~",
    ];
    let lower = name.to_ascii_lowercase();
    name.starts_with('.')
        || name.starts_with('~')
        || SUFFIXES.iter().any(|s| lower.ends_with(s))
        || lower.contains(".syncthing.")
}

/// The time written in a file name, as YYYYMMDDhhmmss: the first run of 14 digits (with
/// `-`, `_`, `.`, `:`, `T` or spaces between them allowed) that makes a plausible date and time.
pub fn stamp_of(name: &str) -> Option<u64> {
    let chars: Vec<char> = name.chars().collect();
    (0..chars.len())
        .filter(|&i| chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_ascii_digit()))
        .find_map(|i| {
            let digits: String = chars[i..]
                .iter()
                .take_while(|c| {
                    c.is_ascii_digit() || matches!(c, '-' | '_' | '.' | ':' | 'T' | ' ')
                })
                .filter(|c| c.is_ascii_digit())
                .take(14)
                .collect();
            plausible(&digits)
        })
}

/// `unix_secs` (UTC) as the number YYYYMMDDhhmmss, to compare with [`stamp_of`].
pub fn stamp_at(unix_secs: u64) -> u64 {
    let t = crate::clock::utc(unix_secs);
    ((t.year * 100 + t.month) * 100 + t.day) * 1_000_000
        + t.hour * 10_000
        + t.minute * 100
        + t.second
}

fn plausible(digits: &str) -> Option<u64> {
    if digits.len() < 14 {
        return None;
    }
    let n = |r: std::ops::Range<usize>| digits[r].parse::<u32>().ok();
    let (year, month, day) = (n(0..4)?, n(4..6)?, n(6..8)?);
    let (hour, minute, second) = (n(8..10)?, n(10..12)?, n(12..14)?);
    let ok = (1990..=2200).contains(&year)
        && (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && hour < 24
        && minute < 60
        && second < 61;
    ok.then(|| digits.parse().ok()).flatten()
}

/// The part of a backup's name before its first digit (`aegis-backup-`): the files of one
/// app's backups share it, so other files in the folder are left alone. Empty when the name
/// starts with a digit.
pub fn stem_of(name: &str) -> String {
    name.chars().take_while(|c| !c.is_ascii_digit()).collect()
}

/// The regular files in `dir` that may be backups (not partial, at most `max_size` bytes,
/// starting with `stem` when it is not empty), newest first. Files larger than `max_size`
/// are returned in the second list, by name, to be reported.
pub fn candidates(
    dir: &Path,
    stem: &str,
    max_size: u64,
) -> std::io::Result<(Vec<Candidate>, Vec<String>)> {
    let mut found = Vec::new();
    let mut too_large = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let Ok(entry) = entry else { continue };
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        if is_partial_name(&name) || !name.starts_with(stem) {
            continue;
        }
        // Follows a symlink: a synced folder may link to its files.
        let Ok(meta) = std::fs::metadata(entry.path()) else {
            continue;
        };
        if !meta.is_file() {
            continue;
        }
        if meta.len() > max_size {
            too_large.push(name);
            continue;
        }
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_secs());
        found.push(Candidate {
            path: entry.path(),
            stamp: stamp_of(&name),
            name,
            modified,
            size: meta.len(),
        });
    }
    found.sort_by(|a, b| b.order().cmp(&a.order()));
    too_large.sort();
    Ok((found, too_large))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moment_compares_with_the_time_in_a_name() {
        // 2026-12-01 10:15:30 UTC; a leap day; the epoch.
        assert_eq!(stamp_at(1_796_120_130), 20261201101530);
        assert_eq!(stamp_at(1_709_164_800), 20240229000000);
        assert_eq!(stamp_at(0), 19700101000000);
    }

    #[test]
    fn reads_the_time_in_backup_names() {
        assert_eq!(
            stamp_of("aegis-backup-20261201-101530.json"),
            Some(20261201101530)
        );
        assert_eq!(
            stamp_of("2fas-backup-20261201101530.2fas"),
            Some(20261201101530)
        );
        assert_eq!(
            stamp_of("otp_accounts_2026-12-01_10-15-30.json.aes"),
            Some(20261201101530)
        );
        // Conflict copies keep the original's time first.
        assert_eq!(
            stamp_of("aegis-backup-20261201-101530.sync-conflict-20261202-080000-ABC.json"),
            Some(20261201101530)
        );
        assert_eq!(stamp_of("backup.json"), None);
        assert_eq!(stamp_of("aegis-backup-123.json"), None);
        assert_eq!(stamp_of("x-99999999999999.json"), None, "month 99");
    }

    #[test]
    fn a_sync_engines_temporary_names_are_partial() {
        for name in [
            ".syncthing.aegis-backup-20261201-101530.json.tmp",
            "aegis-backup-20261201-101530.json.part",
            "aegis-backup-20261201-101530.json.crdownload",
            ".aegis-backup-20261201-101530.json.AbC123",
            "aegis-backup-20261201-101530.json~",
            "~aegis.json",
        ] {
            assert!(is_partial_name(name), "{name}");
        }
        for name in [
            "aegis-backup-20261201-101530.json",
            "aegis-backup-20261201-101530.sync-conflict-20261202-080000-ABCDEFG.json",
            "2fas-backup-20261201101530.2fas",
        ] {
            assert!(!is_partial_name(name), "{name}");
        }
    }

    #[test]
    fn newest_first_by_the_name_then_the_modification_time() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, age: u64| {
            let path = dir.path().join(name);
            std::fs::write(&path, b"{}").unwrap();
            let t = std::time::SystemTime::now() - std::time::Duration::from_secs(age);
            std::fs::File::options()
                .write(true)
                .open(&path)
                .unwrap()
                .set_modified(t)
                .unwrap();
        };
        // The oldest name was touched last: the name's time wins.
        write("aegis-backup-20261201-090000.json", 0);
        write("aegis-backup-20261201-110000.json", 500);
        write("aegis-backup-20261201-100000.json", 300);
        write(".syncthing.aegis-backup-20261201-120000.json.tmp", 0);
        write("notes.txt", 0);
        std::fs::create_dir(dir.path().join("aegis-backup-20261201-130000.json")).unwrap();
        std::fs::write(
            dir.path().join("aegis-backup-20261201-140000.json"),
            [b' '; 64],
        )
        .unwrap();
        let (found, too_large) = candidates(dir.path(), "aegis-backup-", 32).unwrap();
        let names: Vec<&str> = found.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "aegis-backup-20261201-110000.json",
                "aegis-backup-20261201-100000.json",
                "aegis-backup-20261201-090000.json",
            ]
        );
        assert_eq!(too_large, ["aegis-backup-20261201-140000.json"]);
        assert_eq!(
            stem_of("aegis-backup-20261201-090000.json"),
            "aegis-backup-"
        );
    }
}
