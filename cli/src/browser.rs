//! `ninsho-cli browser`: the browser bridge's decision, from a terminal (for a person puzzled
//! by a refusal, and for scripts). The decision itself is core's (`app::fill`).

use std::process::ExitCode;

use std::path::{Path, PathBuf};

use ninsho_core::app::fill::{self, FillError, Refusal};
use ninsho_core::bridge::install::{self, Browser};
use ninsho_core::otp;
use serde::Serialize;

use crate::vault::open;
use crate::{Failure, json};

#[derive(Serialize)]
struct Offered {
    id: String,
    label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum Answer<'a> {
    Fill(Vec<Offered>),
    Refused {
        #[serde(flatten)]
        refusal: &'a Refusal,
        message: String,
    },
}

/// `browser check URL [--frame URL] [--code] [--json]`.
pub fn check(
    url: &str,
    frame: Option<&str>,
    with_code: bool,
    as_json: bool,
) -> Result<ExitCode, Failure> {
    let mut vault = open()?;
    let frame = frame.unwrap_or(url);
    let offered: Result<Vec<Offered>, Refusal> = if with_code {
        match fill::codes(&mut vault, frame, url, otp::now()) {
            Ok(filled) => Ok(filled
                .into_iter()
                .map(|f| Offered {
                    id: f.id.to_string(),
                    label: f.label,
                    code: Some(f.code),
                })
                .collect()),
            Err(FillError::Refused(r)) => Err(r),
            Err(FillError::Vault(e)) => return Err(e.into()),
        }
    } else {
        fill::decide(&vault.accounts(), frame, url).map(|c| {
            c.into_iter()
                .map(|c| Offered {
                    id: c.id.to_string(),
                    label: c.label,
                    code: None,
                })
                .collect()
        })
    };
    match offered {
        Ok(offered) => {
            if as_json {
                json::print(&Answer::Fill(offered));
            } else {
                for o in &offered {
                    match &o.code {
                        Some(code) => say!("would fill  {}  {}  {code}", &o.id[..8], o.label),
                        None => say!("would fill  {}  {}", &o.id[..8], o.label),
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(refusal) => {
            if as_json {
                json::print(&Answer::Refused {
                    refusal: &refusal,
                    message: refusal.to_string(),
                });
            } else {
                say!("refused: {refusal}");
            }
            Ok(ExitCode::from(1))
        }
    }
}

/// `browser install [--browser B] [--dir D]`.
pub fn install(browser: Option<&str>, dir: Option<&Path>) -> Result<ExitCode, Failure> {
    let browsers: Vec<Browser> = match browser {
        Some(name) => vec![Browser::from_name(name).ok_or_else(|| {
            let names: Vec<&str> = Browser::ALL.iter().map(|b| b.name()).collect();
            Failure::input(format!(
                "unknown browser {name:?}: one of {}",
                names.join(", ")
            ))
        })?],
        None if dir.is_some() => {
            return Err(Failure::input(
                "--dir needs --browser (which browser reads it)",
            ));
        }
        None => Browser::ALL.to_vec(),
    };
    let host = host_binary()?;
    for b in browsers {
        let folder = match dir {
            Some(d) => d.to_path_buf(),
            None => b.default_dir().ok_or_else(|| {
                Failure::input("no home folder is set (HOME, or LOCALAPPDATA on Windows)")
            })?,
        };
        let written = install::install(b, &folder, &host).map_err(|e| {
            Failure::input(format!("could not write into {}: {e}", folder.display()))
        })?;
        say!("{:<9} {}", b.name(), written.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// `ninsho-host`, beside this program (a package installs both in one folder).
fn host_binary() -> Result<PathBuf, Failure> {
    let me = std::env::current_exe()
        .map_err(|e| Failure::input(format!("cannot find this program: {e}")))?;
    install::host_beside(&me).ok_or_else(|| {
        Failure::input(format!(
            "ninsho-host is missing beside {}: install Ninsho's package, or build it (cargo build -p ninsho-cli)",
            me.display()
        ))
    })
}
