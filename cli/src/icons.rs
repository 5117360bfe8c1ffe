//! `ninsho-cli icons`: Aegis icon packs (imported from a file, never fetched) and the icons
//! they suggest for an account.

use std::path::Path;
use std::process::ExitCode;

use ninsho_core::app::icon::{self, IconFileError};
use ninsho_core::icon::pack::{self, InstalledPack, Match, Shelf};
use serde_json::json;

use crate::vault::{data_dir, one, open, open_locked};
use crate::{Failure, json};

impl From<IconFileError> for Failure {
    fn from(e: IconFileError) -> Self {
        match e {
            IconFileError::Vault(v) => v.into(),
            other => Failure::input(other.to_string()),
        }
    }
}

fn pack_json(p: &InstalledPack) -> serde_json::Value {
    json!({ "uuid": p.uuid, "name": p.name, "version": p.version, "icons": p.icons })
}

pub fn import(file: &Path, as_json: bool) -> Result<ExitCode, Failure> {
    let imported = icon::import_pack_file(&data_dir()?, file)?;
    if as_json {
        json::print(&json!({
            "pack": pack_json(&imported.pack),
            "replaced": imported.replaced,
            "left_out": imported.left_out.iter()
                .map(|(file, why)| json!({ "file": file, "why": why }))
                .collect::<Vec<_>>(),
        }));
        return Ok(ExitCode::SUCCESS);
    }
    let p = &imported.pack;
    match imported.replaced {
        Some(old) => say!(
            "imported {} version {} ({} icons), replacing version {old}",
            p.name,
            p.version,
            p.icons
        ),
        None => say!(
            "imported {} version {} ({} icons)",
            p.name,
            p.version,
            p.icons
        ),
    }
    if !imported.left_out.is_empty() {
        say!("left out {} icon(s):", imported.left_out.len());
        for (file, why) in &imported.left_out {
            say!("  {file}: {why}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn list(as_json: bool) -> Result<ExitCode, Failure> {
    let packs = Shelf::load(&data_dir()?).installed();
    if as_json {
        json::print(&packs.iter().map(pack_json).collect::<Vec<_>>());
    } else if packs.is_empty() {
        say!("no icon packs (import one with: ninsho-cli icons import PACK.zip)");
    } else {
        for p in &packs {
            say!(
                "{}  {} version {} ({} icons)",
                p.uuid,
                p.name,
                p.version,
                p.icons
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn remove(query: &str) -> Result<ExitCode, Failure> {
    let dir = data_dir()?;
    let uuid = Shelf::load(&dir).find(query).ok_or_else(|| {
        Failure::input(format!(
            "no icon pack is named {query:?} (or more than one is): give its uuid from `icons list`"
        ))
    })?;
    let removed = pack::remove(&dir, uuid).map_err(|e| Failure::input(e.to_string()))?;
    say!(
        "removed {} version {} ({} icons)",
        removed.name,
        removed.version,
        removed.icons
    );
    Ok(ExitCode::SUCCESS)
}

fn match_text(m: Match) -> &'static str {
    match m {
        Match::Exact => "same issuer",
        Match::Contains => "issuer contained",
        Match::Inverse => "part of the issuer",
    }
}

/// The icons the packs suggest for an account, numbered for `icons use`.
pub fn suggest(query: &str, as_json: bool) -> Result<ExitCode, Failure> {
    let vault = open_locked()?;
    let meta = one(&vault, query)?;
    let shelf = Shelf::load(vault.dir());
    let found = shelf.suggestions(meta.issuer.as_deref().unwrap_or_default());
    if as_json {
        json::print(
            &found
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    json!({ "number": i + 1, "name": s.name, "pack": s.pack_name,
                            "category": s.category, "match": s.matched })
                })
                .collect::<Vec<_>>(),
        );
    } else if found.is_empty() {
        say!(
            "no icon of the installed packs matches {} ({} pack(s) installed)",
            meta.label(),
            shelf.installed().len()
        );
    } else {
        for (i, s) in found.iter().enumerate() {
            say!(
                "{:>3}  {}  ({}, {})",
                i + 1,
                s.name,
                s.pack_name,
                match_text(s.matched)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Gives an account the icon `number` of `icons suggest` as its own.
pub fn choose(query: &str, number: usize) -> Result<ExitCode, Failure> {
    let mut vault = open()?;
    let meta = one(&vault, query)?;
    let shelf = Shelf::load(vault.dir());
    let found = shelf.suggestions(meta.issuer.as_deref().unwrap_or_default());
    let chosen = number
        .checked_sub(1)
        .and_then(|i| found.get(i))
        .ok_or_else(|| {
            Failure::input(format!(
                "{} has {} suggested icon(s); choose one from `ninsho-cli icons suggest`",
                meta.label(),
                found.len()
            ))
        })?;
    let after = icon::set_icon_from_pack(&mut vault, &shelf, meta.id, chosen.pack, chosen.number)?;
    say!(
        "{}: icon {} of {}",
        after.label(),
        chosen.name,
        chosen.pack_name
    );
    Ok(ExitCode::SUCCESS)
}
