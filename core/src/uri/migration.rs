//! Google Authenticator's "Transfer accounts" export: `otpauth-migration://offline?data=…`,
//! a base64 protobuf `MigrationPayload` (schema in the shared `google-migration.md`).
//!
//! An export of many accounts spans several QR codes that share a `batch_id`; the
//! [`BatchCollector`] tracks which of them were scanned so a person is told what is missing
//! instead of silently importing part of their accounts.
//!
//! Any web page can show an export QR code, so nothing in one is trusted to size an
//! allocation: `batch_size` is bounded by [`MAX_BATCH_SIZE`] when the code is decoded, the
//! collector keeps only which positions were seen (never an account or a secret), and it
//! follows at most [`MAX_TRACKED_EXPORTS`] exports, each for [`BATCH_TTL`].

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use prost::Message;
use thiserror::Error;
use zeroize::{Zeroize, Zeroizing};

use super::otpauth::split_scheme;
use super::percent;
use crate::otp::{Account, Algorithm, OtpParams, OtpType, Secret, SecretError, normalize_issuer};

/// Longest export URI we look at. A QR code holds at most 2,953 bytes; pasted text may
/// concatenate a few, but never megabytes.
pub const MAX_MIGRATION_URI_BYTES: usize = 64 * 1024;

/// Accounts per QR code when we write an export; Google Authenticator uses 10 as well,
/// which keeps the code at a version phones scan easily.
pub const ACCOUNTS_PER_CODE: usize = 10;

/// The most QR codes one export may span. Google Authenticator writes about 10 accounts a code
/// (so do we, [`ACCOUNTS_PER_CODE`]); 1,000 codes hold 10,000 accounts, far beyond any real
/// export. A larger `batch_size` is damage or an attack (2,147,483,647 once cost 8 GB).
pub const MAX_BATCH_SIZE: i32 = 1000;

/// The most exports a [`BatchCollector`] follows at once; the one touched longest ago is
/// forgotten first.
pub const MAX_TRACKED_EXPORTS: usize = 16;

/// How long an export stays tracked after its last code was scanned.
pub const BATCH_TTL: Duration = Duration::from_secs(15 * 60);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MigrationError {
    #[error("this is not a Google Authenticator export (otpauth-migration://)")]
    NotMigration,
    #[error("the export text is {0} bytes long, more than any export QR code holds")]
    TooLong(usize),
    #[error("the export has no data= parameter")]
    MissingData,
    #[error("the export's data is not valid base64; the QR code may be damaged or cut off")]
    InvalidBase64,
    #[error(
        "the export's data is damaged or incomplete (not a valid Google Authenticator payload)"
    )]
    InvalidProtobuf,
    #[error("QR code {index} of {size} is not a valid position in an export")]
    InvalidBatch { index: i32, size: i32 },
    #[error(
        "the export claims to span {0} QR codes; a Google Authenticator export spans at most {MAX_BATCH_SIZE}, so this code is damaged or made to mislead"
    )]
    BatchTooLarge(i32),
}

impl MigrationError {
    pub fn reason(&self) -> &'static str {
        match self {
            MigrationError::NotMigration => "unsupported_scheme",
            MigrationError::TooLong(_) => "too_long",
            MigrationError::MissingData => "missing_data",
            MigrationError::InvalidBase64 => "invalid_base64",
            MigrationError::InvalidProtobuf => "invalid_protobuf",
            MigrationError::InvalidBatch { .. } => "invalid_batch",
            MigrationError::BatchTooLarge(_) => "batch_too_large",
        }
    }
}

/// Why one account of an export could not be imported (the others still are).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EntryError {
    #[error("the account has no secret")]
    EmptySecret,
    #[error("the account's secret is unusable: {0}")]
    Secret(SecretError),
    #[error("the account uses an unsupported algorithm (code {0}, e.g. MD5)")]
    Algorithm(i32),
    #[error("the account uses an unsupported number of digits (code {0})")]
    Digits(i32),
    #[error("the account has an unknown type (code {0})")]
    Type(i32),
    #[error("the account's counter {0} is negative")]
    Counter(i64),
}

/// An account of an export that could not be imported, named so a person can find it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedEntry {
    /// Position in the QR code's list, from 0.
    pub index: usize,
    pub issuer: Option<String>,
    pub name: String,
    pub error: EntryError,
}

/// One QR code of an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationPart {
    pub version: i32,
    /// Number of QR codes in the whole export (≥ 1).
    pub batch_size: i32,
    /// This code's position, 0-based.
    pub batch_index: i32,
    /// Shared by all codes of one export; may be negative.
    pub batch_id: i32,
    pub accounts: Vec<Account>,
    pub rejected: Vec<RejectedEntry>,
}

// The wire schema. `skip_debug`: these hold raw keys and must never be printed.
#[derive(Clone, PartialEq, Message)]
#[prost(skip_debug)]
struct MigrationPayload {
    #[prost(message, repeated, tag = "1")]
    otp_parameters: Vec<OtpParameters>,
    #[prost(int32, tag = "2")]
    version: i32,
    #[prost(int32, tag = "3")]
    batch_size: i32,
    #[prost(int32, tag = "4")]
    batch_index: i32,
    #[prost(int32, tag = "5")]
    batch_id: i32,
}

#[derive(Clone, PartialEq, Message)]
#[prost(skip_debug)]
struct OtpParameters {
    #[prost(bytes = "vec", tag = "1")]
    secret: Vec<u8>,
    // Read as bytes: protobuf requires UTF-8 strings but a damaged name should not cost the
    // account, so names are decoded lossily instead.
    #[prost(bytes = "vec", tag = "2")]
    name: Vec<u8>,
    #[prost(bytes = "vec", tag = "3")]
    issuer: Vec<u8>,
    #[prost(int32, tag = "4")]
    algorithm: i32,
    #[prost(int32, tag = "5")]
    digits: i32,
    #[prost(int32, tag = "6")]
    otp_type: i32,
    #[prost(int64, tag = "7")]
    counter: i64,
}

impl Drop for OtpParameters {
    fn drop(&mut self) {
        self.secret.zeroize();
    }
}

const LENIENT_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// True when the text is meant to be a Google export (whatever its state).
pub fn is_migration_uri(text: &str) -> bool {
    split_scheme(text.trim())
        .is_some_and(|(scheme, _)| scheme.eq_ignore_ascii_case("otpauth-migration"))
}

/// Decodes one export QR code's text.
pub fn parse(input: &str) -> Result<MigrationPart, MigrationError> {
    let text = input.trim();
    if !is_migration_uri(text) {
        return Err(MigrationError::NotMigration);
    }
    if text.len() > MAX_MIGRATION_URI_BYTES {
        return Err(MigrationError::TooLong(text.len()));
    }
    let query = text.split_once('?').map_or("", |(_, q)| q);
    let query = query.split_once('#').map_or(query, |(q, _)| q);
    let raw = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("data"))
        .map(|(_, value)| value)
        .ok_or(MigrationError::MissingData)?;
    // Percent-decode without form semantics, then repair what form-decoding or a URL-safe
    // encoder may have done to the base64 text.
    let mut data = percent::decode(raw, false);
    let repaired: Zeroizing<String> = Zeroizing::new(
        data.chars()
            .filter(|c| *c != '\n' && *c != '\r')
            .map(|c| match c {
                ' ' => '+',
                '-' => '+',
                '_' => '/',
                other => other,
            })
            .collect(),
    );
    data.zeroize();
    if repaired.is_empty() {
        return Err(MigrationError::MissingData);
    }
    let bytes = Zeroizing::new(
        LENIENT_BASE64
            .decode(repaired.as_bytes())
            .map_err(|_| MigrationError::InvalidBase64)?,
    );
    decode_payload(&bytes)
}

fn decode_payload(bytes: &[u8]) -> Result<MigrationPart, MigrationError> {
    let payload = MigrationPayload::decode(bytes).map_err(|_| MigrationError::InvalidProtobuf)?;
    let batch_size = payload.batch_size.max(1);
    if batch_size > MAX_BATCH_SIZE {
        return Err(MigrationError::BatchTooLarge(batch_size));
    }
    if payload.batch_index < 0 || payload.batch_index >= batch_size {
        return Err(MigrationError::InvalidBatch {
            index: payload.batch_index,
            size: batch_size,
        });
    }
    let mut accounts = Vec::new();
    let mut rejected = Vec::new();
    for (index, entry) in payload.otp_parameters.iter().enumerate() {
        let (issuer, name) = labels(entry);
        match convert(entry, issuer.as_deref(), &name) {
            Ok(account) => accounts.push(account),
            Err(error) => rejected.push(RejectedEntry {
                index,
                issuer,
                name,
                error,
            }),
        }
    }
    Ok(MigrationPart {
        version: payload.version,
        batch_size,
        batch_index: payload.batch_index,
        batch_id: payload.batch_id,
        accounts,
        rejected,
    })
}

/// Issuer and name, with Aegis' rule: an empty issuer and a name `Issuer:account` split at the
/// first colon.
fn labels(entry: &OtpParameters) -> (Option<String>, String) {
    let name = String::from_utf8_lossy(&entry.name).into_owned();
    let issuer = normalize_issuer(Some(&String::from_utf8_lossy(&entry.issuer)));
    match issuer {
        Some(issuer) => (Some(issuer), name.trim().to_owned()),
        None => match name.split_once(':') {
            Some((issuer, rest)) => (normalize_issuer(Some(issuer)), rest.trim().to_owned()),
            None => (None, name.trim().to_owned()),
        },
    }
}

fn convert(entry: &OtpParameters, issuer: Option<&str>, name: &str) -> Result<Account, EntryError> {
    if entry.secret.is_empty() {
        return Err(EntryError::EmptySecret);
    }
    let secret = Secret::from_bytes(&entry.secret).map_err(EntryError::Secret)?;
    let algorithm = match entry.algorithm {
        0 | 1 => Algorithm::Sha1,
        2 => Algorithm::Sha256,
        3 => Algorithm::Sha512,
        other => return Err(EntryError::Algorithm(other)),
    };
    let digits = match entry.digits {
        0 | 1 => 6,
        2 => 8,
        other => return Err(EntryError::Digits(other)),
    };
    let params = match entry.otp_type {
        0 | 2 => OtpParams::totp(algorithm, digits, 30),
        1 => {
            let counter =
                u64::try_from(entry.counter).map_err(|_| EntryError::Counter(entry.counter))?;
            OtpParams::hotp(algorithm, digits, counter)
        }
        other => return Err(EntryError::Type(other)),
    };
    Ok(Account::new(issuer, name, params, secret))
}

/// Why an account cannot be written into a Google export.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ExportError {
    #[error("Google Authenticator has no Steam codes")]
    Steam,
    #[error(
        "Google Authenticator exports only 30-second codes; this one changes every {0} seconds"
    )]
    Period(u32),
    #[error("Google Authenticator reads only 6-digit codes; this one has {0}")]
    Digits(u8),
    #[error("Google Authenticator reads only SHA-1 codes; this one uses {0}")]
    Algorithm(&'static str),
    /// mOTP and Yandex: codes Google Authenticator cannot make.
    #[error("Google Authenticator has no {0} codes")]
    Kind(&'static str),
}

/// Checks whether an account survives a Google export unchanged. The format has fields for
/// SHA-256/512 and 8 digits, but Google Authenticator ignores them and would show wrong
/// codes, so (as Aegis does) only SHA-1, 6-digit TOTP (30 s) and HOTP accounts go.
pub fn exportable(account: &Account) -> Result<(), ExportError> {
    let p = &account.params;
    match p.otp_type {
        OtpType::Steam => return Err(ExportError::Steam),
        OtpType::Motp | OtpType::Yandex => return Err(ExportError::Kind(p.otp_type.title())),
        OtpType::Totp if p.period != 30 => return Err(ExportError::Period(p.period)),
        _ => {}
    }
    if p.algorithm != Algorithm::Sha1 {
        return Err(ExportError::Algorithm(p.algorithm.as_str()));
    }
    if p.digits != 6 {
        return Err(ExportError::Digits(p.digits));
    }
    Ok(())
}

/// Writes accounts as export QR texts of at most `per_code` accounts each (0 means
/// [`ACCOUNTS_PER_CODE`]). Accounts that [`exportable`] refuses are skipped and returned with
/// their position. The texts hold secrets and are wiped on drop.
pub fn encode(
    accounts: &[Account],
    per_code: usize,
    batch_id: i32,
) -> (Vec<Zeroizing<String>>, Vec<(usize, ExportError)>) {
    let per_code = if per_code == 0 {
        ACCOUNTS_PER_CODE
    } else {
        per_code
    };
    let mut skipped = Vec::new();
    let mut entries = Vec::new();
    for (index, account) in accounts.iter().enumerate() {
        if let Err(e) = exportable(account) {
            skipped.push((index, e));
            continue;
        }
        let p = &account.params;
        entries.push(OtpParameters {
            secret: account.secret.as_bytes().to_vec(),
            name: account.name.clone().into_bytes(),
            issuer: account.issuer.clone().unwrap_or_default().into_bytes(),
            algorithm: match p.algorithm {
                Algorithm::Sha1 => 1,
                Algorithm::Sha256 => 2,
                Algorithm::Sha512 => 3,
            },
            digits: if p.digits == 8 { 2 } else { 1 },
            otp_type: if p.otp_type == OtpType::Hotp { 1 } else { 2 },
            counter: if p.otp_type == OtpType::Hotp {
                p.counter as i64
            } else {
                0
            },
        });
    }
    let chunks: Vec<&[OtpParameters]> = entries.chunks(per_code).collect();
    let batch_size = i32::try_from(chunks.len().max(1)).unwrap_or(i32::MAX);
    let mut texts = Vec::with_capacity(chunks.len());
    for (index, chunk) in chunks.iter().enumerate() {
        let payload = MigrationPayload {
            otp_parameters: chunk.to_vec(),
            version: 1,
            batch_size,
            batch_index: i32::try_from(index).unwrap_or(i32::MAX),
            batch_id,
        };
        let bytes = Zeroizing::new(payload.encode_to_vec());
        let b64 = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(&*bytes));
        let mut text = Zeroizing::new(String::from("otpauth-migration://offline?data="));
        text.push_str(&percent::encode(&b64));
        texts.push(text);
    }
    (texts, skipped)
}

/// Outcome of adding one scanned export code to a [`BatchCollector`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    /// A code not seen before.
    New,
    /// This code of the export was already scanned; nothing changed.
    AlreadyScanned,
}

/// Progress of one export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchProgress {
    pub batch_id: i32,
    pub scanned: usize,
    pub total: usize,
    /// 0-based positions still to scan.
    pub missing: Vec<i32>,
}

impl BatchProgress {
    pub fn is_complete(&self) -> bool {
        self.missing.is_empty()
    }
}

impl std::fmt::Display for BatchProgress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} of {} QR codes scanned", self.scanned, self.total)?;
        if !self.missing.is_empty() {
            let missing: Vec<String> = self.missing.iter().map(|i| (i + 1).to_string()).collect();
            write!(f, "; still to scan: {}", missing.join(", "))?;
        }
        Ok(())
    }
}

/// Which codes of one or more exports were scanned, across several scans. Holds positions
/// only: the accounts of a code go wherever its caller puts them (a preview that expires), so
/// nothing secret outlives the scan here.
#[derive(Debug, Default)]
pub struct BatchCollector {
    // (batch_id, batch_size) → positions seen and when the export was last touched. Keyed by
    // size too: two exports that collide on a random id but differ in size are different.
    batches: BTreeMap<(i32, i32), Tracked>,
}

#[derive(Debug)]
struct Tracked {
    seen: BTreeSet<i32>,
    touched: Instant,
}

impl BatchCollector {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records that `part` was scanned. Its size was bounded when it was decoded; a part made
    /// by hand with a size beyond [`MAX_BATCH_SIZE`] or a position outside it is not tracked.
    pub fn add(&mut self, part: &MigrationPart) -> Added {
        self.expire();
        let key = (part.batch_id, part.batch_size);
        if !(1..=MAX_BATCH_SIZE).contains(&part.batch_size)
            || !(0..part.batch_size).contains(&part.batch_index)
        {
            return Added::New;
        }
        if !self.batches.contains_key(&key) && self.batches.len() >= MAX_TRACKED_EXPORTS {
            let oldest = self
                .batches
                .iter()
                .min_by_key(|(_, t)| t.touched)
                .map(|(k, _)| *k);
            if let Some(oldest) = oldest {
                self.batches.remove(&oldest);
            }
        }
        let tracked = self.batches.entry(key).or_insert_with(|| Tracked {
            seen: BTreeSet::new(),
            touched: Instant::now(),
        });
        tracked.touched = Instant::now();
        if tracked.seen.insert(part.batch_index) {
            Added::New
        } else {
            Added::AlreadyScanned
        }
    }

    fn expire(&mut self) {
        self.batches.retain(|_, t| t.touched.elapsed() < BATCH_TTL);
    }

    pub fn progress(&self) -> Vec<BatchProgress> {
        self.batches
            .iter()
            .filter(|(_, t)| t.touched.elapsed() < BATCH_TTL)
            .map(|(&(batch_id, size), t)| BatchProgress {
                batch_id,
                scanned: t.seen.len(),
                total: usize::try_from(size).unwrap_or(0),
                missing: (0..size.min(MAX_BATCH_SIZE))
                    .filter(|i| !t.seen.contains(i))
                    .collect(),
            })
            .collect()
    }

    pub fn is_complete(&self) -> bool {
        self.progress().iter().all(BatchProgress::is_complete)
    }

    pub fn is_empty(&self) -> bool {
        self.batches.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn account(name: &str, params: OtpParams) -> Account {
        Account::new(
            Some("Example"),
            name,
            params,
            Secret::from_bytes(name.as_bytes()).unwrap(),
        )
    }

    #[test]
    fn export_round_trip_in_batches() {
        let accounts: Vec<Account> = (0..23)
            .map(|i| account(&format!("user{i}"), OtpParams::totp(Algorithm::Sha1, 6, 30)))
            .collect();
        let (texts, skipped) = encode(&accounts, 10, -5);
        assert!(skipped.is_empty());
        assert_eq!(texts.len(), 3);
        let mut collector = BatchCollector::new();
        let mut back = Vec::new();
        for text in texts.iter() {
            let part = parse(text).unwrap();
            assert_eq!((part.batch_size, part.batch_id), (3, -5));
            assert_eq!(collector.add(&part), Added::New);
            back.extend(part.accounts);
            if !collector.is_complete() {
                assert!(collector.progress()[0].to_string().starts_with(&format!(
                    "{} of 3 QR codes scanned; still to scan:",
                    collector.progress()[0].scanned
                )));
            }
        }
        assert!(collector.is_complete());
        assert_eq!(
            collector.add(&parse(&texts[1]).unwrap()),
            Added::AlreadyScanned
        );
        assert_eq!(back, accounts);
    }

    #[test]
    fn unexportable_accounts_are_listed() {
        let accounts = vec![
            account("steam", OtpParams::steam()),
            account("ok", OtpParams::hotp(Algorithm::Sha1, 6, 99)),
            account("p60", OtpParams::totp(Algorithm::Sha1, 6, 60)),
            account("d8", OtpParams::totp(Algorithm::Sha1, 8, 30)),
            account("sha512", OtpParams::hotp(Algorithm::Sha512, 6, 1)),
        ];
        let (texts, skipped) = encode(&accounts, 0, 1);
        assert_eq!(
            skipped,
            vec![
                (0, ExportError::Steam),
                (2, ExportError::Period(60)),
                (3, ExportError::Digits(8)),
                (4, ExportError::Algorithm("SHA512"))
            ]
        );
        assert_eq!(
            parse(&texts[0]).unwrap().accounts,
            vec![accounts[1].clone()]
        );
    }

    #[test]
    fn bad_entries_are_reported_and_others_kept() {
        let good = OtpParameters {
            secret: b"abc".to_vec(),
            name: b"a".to_vec(),
            issuer: vec![],
            algorithm: 1,
            digits: 1,
            otp_type: 2,
            counter: 0,
        };
        let mut md5 = good.clone();
        md5.algorithm = 4;
        md5.name = b"Acme:md5".to_vec();
        let mut empty = good.clone();
        empty.secret = vec![];
        let mut negative = good.clone();
        negative.otp_type = 1;
        negative.counter = -1;
        let payload = MigrationPayload {
            otp_parameters: vec![good, md5, empty, negative],
            version: 1,
            batch_size: 1,
            batch_index: 0,
            batch_id: 0,
        };
        let part = decode_payload(&payload.encode_to_vec()).unwrap();
        assert_eq!(part.accounts.len(), 1);
        let errors: Vec<(usize, &EntryError)> =
            part.rejected.iter().map(|r| (r.index, &r.error)).collect();
        assert_eq!(
            errors,
            vec![
                (1, &EntryError::Algorithm(4)),
                (2, &EntryError::EmptySecret),
                (3, &EntryError::Counter(-1))
            ]
        );
        assert_eq!(part.rejected[0].issuer.as_deref(), Some("Acme"));
        assert_eq!(part.rejected[0].name, "md5");
    }

    #[test]
    fn batch_position_must_be_inside_the_batch() {
        let payload = MigrationPayload {
            otp_parameters: vec![],
            version: 1,
            batch_size: 2,
            batch_index: 2,
            batch_id: 0,
        };
        assert_eq!(
            decode_payload(&payload.encode_to_vec()),
            Err(MigrationError::InvalidBatch { index: 2, size: 2 })
        );
    }

    #[test]
    fn lenient_text_forms() {
        let (texts, _) = encode(
            &[account("a", OtpParams::totp(Algorithm::Sha1, 6, 30))],
            0,
            7,
        );
        let canonical = parse(&texts[0]).unwrap();
        // Form-decoded '+' → ' ', URL-safe alphabet, no padding, raw (unescaped) base64.
        let data = percent::decode(texts[0].split_once("data=").unwrap().1, false);
        let urlsafe = data
            .replace('+', "-")
            .replace('/', "_")
            .trim_end_matches('=')
            .to_owned();
        for variant in [
            format!("otpauth-migration://offline?data={}", data.as_str()),
            format!(
                "otpauth-migration://offline?data={}",
                data.replace('+', " ")
            ),
            format!("OTPAUTH-MIGRATION://offline?data={urlsafe}"),
        ] {
            assert_eq!(parse(&variant).unwrap(), canonical, "{variant}");
        }
        assert_eq!(
            parse("otpauth-migration://offline?data="),
            Err(MigrationError::MissingData)
        );
        assert_eq!(
            parse("otpauth://totp/x?secret=A"),
            Err(MigrationError::NotMigration)
        );
    }

    proptest! {
        #[test]
        fn decoding_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = decode_payload(&bytes);
            let text = format!("otpauth-migration://offline?data={}", base64::engine::general_purpose::STANDARD.encode(&bytes));
            let _ = parse(&text);
        }
    }
}
