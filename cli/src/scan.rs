//! `ninsho-cli scan`: what the QR codes in some images hold.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ninsho_core::scan::{self, Content, Payload};
use ninsho_core::uri::migration::{Added, BatchCollector};
use serde::Serialize;

use crate::Failure;
use crate::json::{self, AccountJson};

const NOTHING_FOUND_TIP: &str = "no QR code found (zoom in so the code is larger, and make sure the whole code is in the image)";

#[derive(Serialize)]
struct FileReport<'a> {
    file: String,
    payloads: Vec<PayloadJson>,
    accounts: Vec<AccountJson<'a>>,
    errors: Vec<String>,
}

#[derive(Serialize)]
struct PayloadJson {
    /// `otpauth`, `google_export`, `invalid_otpauth`, `invalid_google_export` or `other`.
    kind: &'static str,
    /// What the code is, in a sentence.
    description: String,
    corners: [(f32, f32); 4],
    #[serde(skip_serializing_if = "Option::is_none")]
    batch: Option<BatchJson>,
    /// The exact text, only with --show-secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
}

#[derive(Serialize)]
struct BatchJson {
    index: i32,
    size: i32,
    id: i32,
}

pub fn run(
    images: &[PathBuf],
    as_json: bool,
    raw: bool,
    show_secret: bool,
) -> Result<ExitCode, Failure> {
    let scanned: Vec<(&PathBuf, Result<Vec<Payload>, scan::ScanError>)> = images
        .iter()
        .map(|path| (path, scan::scan_file(path)))
        .collect();
    let mut unreadable = false;
    let mut batches = BatchCollector::new();
    let mut reports = Vec::new();

    for (path, result) in &scanned {
        let payloads = match result {
            Ok(p) => p,
            Err(e) => {
                unreadable = true;
                if as_json {
                    reports.push(FileReport {
                        file: shown(path),
                        payloads: vec![],
                        accounts: vec![],
                        errors: vec![e.to_string()],
                    });
                } else {
                    say_err!("ninsho-cli: {e}");
                }
                continue;
            }
        };
        if raw {
            for p in payloads {
                say!("{}", p.text.as_str());
            }
            continue;
        }
        let mut report = FileReport {
            file: shown(path),
            payloads: vec![],
            accounts: vec![],
            errors: vec![],
        };
        for (i, p) in payloads.iter().enumerate() {
            let (kind, description, batch) = describe(p);
            match &p.content {
                Content::Account(a) => report.accounts.push(AccountJson::new(a, show_secret)),
                Content::GoogleExport(part) => {
                    report.accounts.extend(
                        part.accounts
                            .iter()
                            .map(|a| AccountJson::new(a, show_secret)),
                    );
                    for r in &part.rejected {
                        report.errors.push(format!(
                            "QR code {}: account {} ({}): {}",
                            i + 1,
                            r.index + 1,
                            r.name,
                            r.error
                        ));
                    }
                    if batches.add(part) == Added::AlreadyScanned {
                        report.errors.push(format!(
                            "QR code {}: this part of the export was already scanned",
                            i + 1
                        ));
                    }
                }
                Content::BrokenAccount(_) | Content::BrokenGoogleExport(_) => {
                    report
                        .errors
                        .push(format!("QR code {}: {description}", i + 1));
                }
                Content::Other(_) => {}
            }
            report.payloads.push(PayloadJson {
                kind,
                description,
                corners: p.corners,
                batch,
                text: show_secret.then(|| p.text.to_string()),
            });
        }
        if !as_json {
            print_human(&report);
        }
        reports.push(report);
    }

    if as_json {
        json::print(&reports);
    }
    for progress in batches.progress() {
        if !progress.is_complete() {
            say_err!("ninsho-cli: Google Authenticator export: {progress}");
        }
    }
    Ok(if unreadable {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

fn describe(p: &Payload) -> (&'static str, String, Option<BatchJson>) {
    match &p.content {
        Content::Account(a) => ("otpauth", format!("login code for {}", a.label()), None),
        Content::GoogleExport(part) => (
            "google_export",
            format!(
                "Google Authenticator export, QR code {} of {}, {} account(s)",
                part.batch_index + 1,
                part.batch_size,
                part.accounts.len()
            ),
            Some(BatchJson {
                index: part.batch_index,
                size: part.batch_size,
                id: part.batch_id,
            }),
        ),
        Content::BrokenAccount(e) => (
            "invalid_otpauth",
            format!("a login code that cannot be used: {e}"),
            None,
        ),
        Content::BrokenGoogleExport(e) => (
            "invalid_google_export",
            format!("a Google Authenticator export that cannot be used: {e}"),
            None,
        ),
        Content::Other(kind) => ("other", kind.describe(), None),
    }
}

fn print_human(report: &FileReport) {
    say!("{}:", report.file);
    if report.payloads.is_empty() {
        say!("  {NOTHING_FOUND_TIP}");
    }
    for p in &report.payloads {
        say!("  {}", p.description);
    }
    for a in &report.accounts {
        let issuer = a.issuer.map(|i| format!("{i} ")).unwrap_or_default();
        let timing = match (a.period, a.counter) {
            (_, Some(c)) => format!("counter {c}"),
            (Some(p), None) => format!("every {p} s"),
            (None, None) => String::new(),
        };
        say!(
            "    {issuer}{}: {} {} {} digits, {timing}",
            a.name,
            a.otp_type.to_uppercase(),
            a.algorithm,
            a.digits
        );
    }
    for e in &report.errors {
        say!("  ! {e}");
    }
}
