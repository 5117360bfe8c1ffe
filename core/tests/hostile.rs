//! Input made to hurt: each case would cost minutes or gigabytes without its bound. Every test
//! asserts the clear error, and that no large allocation happened on the way: this binary
//! counts the largest single allocation it makes.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use base64::Engine;
use ninsho_core::scan::{self, Content};
use ninsho_core::uri::migration::{self, BatchCollector, MigrationError};

/// The system allocator, remembering the largest block asked for.
struct Counting;

static LARGEST: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LARGEST.fetch_max(new_size, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Tests share the counter: one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

/// Runs `f` and returns its result with the largest single allocation it made.
fn largest_allocation<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    LARGEST.store(0, Ordering::SeqCst);
    let out = f();
    (out, LARGEST.load(Ordering::SeqCst))
}

const MB: usize = 1 << 20;

fn varint(mut n: u64, out: &mut Vec<u8>) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn field(tag: u8, bytes: &[u8], out: &mut Vec<u8>) {
    out.push(tag);
    varint(bytes.len() as u64, out);
    out.extend_from_slice(bytes);
}

/// A Google Authenticator export holding one valid account, claiming `batch_size` codes.
fn export_uri(batch_size: i32, batch_index: i32, batch_id: i32) -> String {
    let mut account = Vec::new();
    field(0x0a, b"12345678901234567890", &mut account); // secret
    field(0x12, b"mallory@example.com", &mut account); // name
    field(0x1a, b"Example", &mut account); // issuer
    account.extend_from_slice(&[0x20, 0x01, 0x28, 0x01, 0x30, 0x02]); // SHA1, 6 digits, TOTP
    let mut payload = Vec::new();
    field(0x0a, &account, &mut payload);
    payload.extend_from_slice(&[0x10, 0x01]); // version 1
    payload.push(0x18);
    varint(u64::from(batch_size as u32), &mut payload);
    payload.push(0x20);
    varint(u64::from(batch_index as u32), &mut payload);
    payload.push(0x28);
    varint(u64::from(batch_id as u32), &mut payload);
    let b64 = base64::engine::general_purpose::STANDARD.encode(&payload);
    format!(
        "otpauth-migration://offline?data={}",
        b64.replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D")
    )
}

/// The text as a QR code in a PNG (4 px modules, a 4-module quiet zone), the way a web page
/// would show it.
fn qr_png(text: &str) -> Vec<u8> {
    let code = qrcode::QrCode::new(text.as_bytes()).expect("fits a QR code");
    let (width, colors) = (code.width() as u32, code.to_colors());
    let (scale, quiet) = (4, 4);
    let side = (width + 2 * quiet) * scale;
    let image = image::GrayImage::from_fn(side, side, |x, y| {
        let (mx, my) = (x / scale, y / scale);
        let inside = (quiet..quiet + width).contains(&mx) && (quiet..quiet + width).contains(&my);
        let dark =
            inside && colors[((my - quiet) * width + (mx - quiet)) as usize] == qrcode::Color::Dark;
        image::Luma([if dark { 0 } else { 255 }])
    });
    let mut png = Vec::new();
    image::DynamicImage::ImageLuma8(image)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("encodes");
    png
}

#[test]
fn an_export_claiming_two_billion_codes_is_refused_without_allocating_for_them() {
    let uri = export_uri(i32::MAX, 0, 7);
    let (parsed, largest) = largest_allocation(|| migration::parse(&uri));
    assert_eq!(parsed, Err(MigrationError::BatchTooLarge(i32::MAX)));
    assert!(parsed.unwrap_err().to_string().contains("made to mislead"));
    assert!(largest < MB, "largest allocation {largest} bytes");

    // The same export as a QR code in an image, through the scan path the CLI and the app use.
    let png = qr_png(&uri);
    let (payloads, largest) = largest_allocation(|| scan::scan_bytes(&png));
    let payloads = payloads.expect("the image decodes");
    assert_eq!(payloads.len(), 1);
    assert!(
        matches!(
            &payloads[0].content,
            Content::BrokenGoogleExport(MigrationError::BatchTooLarge(i32::MAX))
        ),
        "{:?}",
        payloads[0].content
    );
    assert!(largest < 16 * MB, "largest allocation {largest} bytes");
}

#[test]
fn the_largest_real_export_still_reads() {
    let last = migration::MAX_BATCH_SIZE - 1;
    let part = migration::parse(&export_uri(migration::MAX_BATCH_SIZE, last, 1)).unwrap();
    assert_eq!(part.accounts.len(), 1);
    let mut collector = BatchCollector::new();
    let (progress, largest) = largest_allocation(|| {
        collector.add(&part);
        collector.progress()
    });
    assert_eq!(
        progress[0].missing.len(),
        (migration::MAX_BATCH_SIZE - 1) as usize
    );
    assert!(largest < MB, "largest allocation {largest} bytes");
}

#[test]
fn the_collector_follows_a_bounded_number_of_exports() {
    let mut collector = BatchCollector::new();
    for id in 0..10_000 {
        let part = migration::parse(&export_uri(migration::MAX_BATCH_SIZE, 0, id)).unwrap();
        collector.add(&part);
    }
    let progress = collector.progress();
    assert_eq!(progress.len(), migration::MAX_TRACKED_EXPORTS);
    // The most recent ones are kept.
    assert!(progress.iter().any(|p| p.batch_id == 9_999));
}

// ---- Backup files of other apps -------------------------------------------------------------

use ninsho_core::formats::{self, FormatError, FormatId};

fn import(bytes: &[u8], format: FormatId, password: Option<&str>) -> FormatError {
    match formats::import(bytes, Some(format), password) {
        Ok(i) => panic!("imported {} accounts", i.accounts.len()),
        Err(e) => e,
    }
}

/// A Java-serialized `HashMap<String, String>` as FreeOTP 2 writes it, its entries given as
/// raw string elements (a `TC_STRING`, or a back-reference).
fn java_map(entries: usize, elements: &[u8]) -> Vec<u8> {
    let mut b = vec![0xAC, 0xED, 0x00, 0x05, 0x73, 0x72, 0x00, 0x11];
    b.extend_from_slice(b"java.util.HashMap");
    b.extend_from_slice(&[
        0x05, 0x07, 0xDA, 0xC1, 0xC3, 0x16, 0x60, 0xD1, 0x03, 0x00, 0x02,
    ]);
    b.extend_from_slice(&[b'F', 0x00, 0x0A]);
    b.extend_from_slice(b"loadFactor");
    b.extend_from_slice(&[b'I', 0x00, 0x09]);
    b.extend_from_slice(b"threshold");
    b.extend_from_slice(&[0x78, 0x70, 0x3F, 0x40, 0, 0, 0, 0, 0, 0x0C, 0x77, 0x08]);
    b.extend_from_slice(&(entries as u32 * 2).to_be_bytes());
    b.extend_from_slice(&(entries as u32).to_be_bytes());
    b.extend_from_slice(elements);
    b.push(0x78);
    b
}

fn java_string(s: &str) -> Vec<u8> {
    let mut b = vec![0x74];
    b.extend_from_slice(&(s.len() as u16).to_be_bytes());
    b.extend_from_slice(s.as_bytes());
    b
}

#[test]
fn a_java_stream_repeating_one_long_string_is_refused_in_bounded_memory() {
    // One 60,000-character string, then 50,000 entries referring back to it (handle 2, after
    // the class description and the map): 6 GB of strings if each reference were a copy.
    let entries = 50_000;
    let mut elements = java_string(&"x".repeat(60_000));
    let reference = [0x71, 0x00, 0x7E, 0x00, 0x02];
    elements.extend_from_slice(&reference); // the first value
    for _ in 1..entries {
        elements.extend_from_slice(&reference);
        elements.extend_from_slice(&reference);
    }
    let file = java_map(entries, &elements);
    let (err, largest) = largest_allocation(|| import(&file, FormatId::FreeOtp, Some("pw")));
    assert!(
        matches!(&err, FormatError::Damaged(FormatId::FreeOtp, m) if m.contains("4 times the file's size")),
        "{err}"
    );
    assert!(largest < 4 * MB, "largest allocation {largest} bytes");
}

#[test]
fn a_java_map_claiming_more_entries_than_it_holds_reserves_nothing() {
    let file = java_map(100_000, &[]);
    let (err, largest) = largest_allocation(|| import(&file, FormatId::FreeOtp, Some("pw")));
    assert!(
        matches!(&err, FormatError::Damaged(_, m) if m.contains("more entries than the stream holds")),
        "{err}"
    );
    assert!(largest < MB, "largest allocation {largest} bytes");
}

/// A FreeOTP 2 store whose master key asks for `iterations` PBKDF2 rounds.
fn freeotp_store(iterations: u64) -> Vec<u8> {
    let master = format!(
        r#"{{"mAlgorithm":"PBKDF2withHmacSHA512","mIterations":{iterations},"mSalt":[1,2,3,4],"mEncryptedKey":{{"mCipher":"AES/GCM/NoPadding","mCipherText":[1],"mParameters":[4,12,0,0,0,0,0,0,0,0,0,0,0,0],"mToken":"AES"}}}}"#
    );
    let mut elements = java_string("masterKey");
    elements.extend_from_slice(&java_string(&master));
    java_map(1, &elements)
}

#[test]
fn a_freeotp_store_asking_for_billions_of_pbkdf2_rounds_is_refused_at_once() {
    let file = freeotp_store(2_000_000_000);
    let (err, largest) = largest_allocation(|| import(&file, FormatId::FreeOtp, Some("pw")));
    assert!(
        matches!(&err, FormatError::Unsupported(FormatId::FreeOtp, m)
            if m.contains("2000000000 PBKDF2 rounds") && m.contains("FreeOTP writes 100000") && m.contains("refusing")),
        "{err}"
    );
    assert!(largest < MB, "largest allocation {largest} bytes");
    // What FreeOTP writes is derived (and here, the password is wrong).
    assert_eq!(
        import(&freeotp_store(100_000), FormatId::FreeOtp, Some("pw")),
        FormatError::WrongPassword(FormatId::FreeOtp)
    );
}

/// An Aegis vault with these password slots (scrypt n, r, p).
fn aegis_vault(slots: &[(u64, u64, u64)]) -> Vec<u8> {
    let slots: Vec<serde_json::Value> = slots
        .iter()
        .map(|(n, r, p)| {
            serde_json::json!({
                "type": 1, "uuid": "0", "key": "00".repeat(32), "salt": "00".repeat(32),
                "n": n, "r": r, "p": p,
                "key_params": {"nonce": "00".repeat(12), "tag": "00".repeat(16)}
            })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({
        "version": 1,
        "header": {"slots": slots, "params": {"nonce": "00".repeat(12), "tag": "00".repeat(16)}},
        "db": "AAAA"
    }))
    .unwrap()
}

#[test]
fn an_aegis_slot_asking_for_gigabytes_of_scrypt_memory_is_refused_at_once() {
    // N = 2^30, r = 8: 1 TiB of memory.
    let file = aegis_vault(&[(1 << 30, 8, 1)]);
    let (err, largest) = largest_allocation(|| import(&file, FormatId::Aegis, Some("pw")));
    assert!(
        matches!(&err, FormatError::Unsupported(FormatId::Aegis, m)
            if m.contains("this backup asks for 1048576 MiB of memory")
                && m.contains("Aegis writes 32 MiB; refusing")),
        "{err}"
    );
    assert!(largest < MB, "largest allocation {largest} bytes");
}

#[test]
fn an_aegis_slot_asking_for_hours_of_scrypt_work_is_refused_at_once() {
    // Aegis's memory, but p = 60,000: 60,000 times its work.
    let file = aegis_vault(&[(1 << 15, 8, 60_000)]);
    let (err, largest) = largest_allocation(|| import(&file, FormatId::Aegis, Some("pw")));
    assert!(
        matches!(&err, FormatError::Unsupported(FormatId::Aegis, m)
            if m.contains("60000× the work Aegis uses")),
        "{err}"
    );
    assert!(largest < MB, "largest allocation {largest} bytes");
}

#[test]
fn an_aegis_vault_of_many_password_slots_is_refused_before_deriving_any() {
    let file = aegis_vault(&[(1 << 15, 8, 1); 1000]);
    let err = import(&file, FormatId::Aegis, Some("pw"));
    assert!(
        matches!(&err, FormatError::Unsupported(FormatId::Aegis, m) if m.contains("1000 password slots")),
        "{err}"
    );
}

fn ente_export(mem: u64, ops: u64) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "version": 1,
        "kdfParams": {"memLimit": mem, "opsLimit": ops, "salt": "AAAAAAAAAAAAAAAAAAAAAA=="},
        "encryptedData": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "encryptionNonce": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    }))
    .unwrap()
}

#[test]
fn an_ente_export_asking_for_a_terabyte_of_argon2_memory_is_refused_at_once() {
    let file = ente_export(1 << 40, 4);
    let (err, largest) = largest_allocation(|| import(&file, FormatId::Ente, Some("pw")));
    assert!(
        matches!(&err, FormatError::Unsupported(FormatId::Ente, m)
            if m.contains("this backup asks for 1048576 MiB of memory")
                && m.contains("Ente writes 1024 MiB at most; refusing")),
        "{err}"
    );
    assert!(largest < MB, "largest allocation {largest} bytes");
}

#[test]
fn an_ente_export_asking_for_billions_of_argon2_passes_is_refused_at_once() {
    let file = ente_export(64 << 20, 4_000_000_000);
    let (err, largest) = largest_allocation(|| import(&file, FormatId::Ente, Some("pw")));
    assert!(
        matches!(&err, FormatError::Unsupported(FormatId::Ente, m)
            if m.contains("4000000000 Argon2id passes over 64 MiB")),
        "{err}"
    );
    assert!(largest < MB, "largest allocation {largest} bytes");
}

#[test]
fn an_andotp_backup_asking_for_ten_million_pbkdf2_rounds_is_refused_at_once() {
    let mut file = 10_000_000u32.to_be_bytes().to_vec();
    file.extend_from_slice(&[0x80; 12 + 12 + 40]); // salt, nonce, ciphertext and tag (not UTF-8)
    let err = import(&file, FormatId::AndOtp, Some("pw"));
    assert!(
        matches!(&err, FormatError::Unsupported(FormatId::AndOtp, m)
            if m.contains("10000000 PBKDF2 rounds") && m.contains("andOTP writes 140000 to 160000")),
        "{err}"
    );
}

#[test]
fn an_authy_list_of_a_million_encrypted_tokens_is_refused_before_deriving_any() {
    let token = r#"{&quot;encryptedSecret&quot;:&quot;AAAAAAAAAAAAAAAAAAAAAA==&quot;,&quot;salt&quot;:&quot;s&quot;}"#;
    let list = vec![token; 10_001].join(",");
    let file = format!(
        "<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<map>\n<string name=\"com.authy.storage.tokens.authenticator.key\">[{list}]</string>\n</map>\n"
    );
    let err = import(file.as_bytes(), FormatId::Authy, Some("pw"));
    assert!(
        matches!(&err, FormatError::Unsupported(FormatId::Authy, m) if m.contains("10001 encrypted tokens")),
        "{err}"
    );
}

// ---- ZIP ----------------------------------------------------------------------------------

/// Raw DEFLATE of `len` zero bytes (fixed Huffman codes: a literal, then <258, 1> matches):
/// 13 bits for each 258 bytes, a bomb of about 2,500:1.
fn deflate_zeros(len: usize) -> Vec<u8> {
    struct Bits(Vec<u8>, u32, u8);
    impl Bits {
        fn put(&mut self, value: u32, n: u8) {
            for i in 0..n {
                self.1 |= ((value >> i) & 1) << self.2;
                self.2 += 1;
                if self.2 == 8 {
                    self.0.push(self.1 as u8);
                    self.1 = 0;
                    self.2 = 0;
                }
            }
        }
        /// Huffman codes go most significant bit first.
        fn code(&mut self, code: u32, n: u8) {
            let reversed = (0..n).fold(0, |acc, i| acc | (((code >> i) & 1) << (n - 1 - i)));
            self.put(reversed, n);
        }
    }
    let mut b = Bits(Vec::new(), 0, 0);
    b.put(1, 1); // final block
    b.put(1, 2); // fixed Huffman codes
    b.code(0x30, 8); // literal 0
    let mut left = len - 1;
    while left >= 258 {
        b.code(0xC5, 8); // length 258 (code 285)
        b.code(0, 5); // distance 1
        left -= 258;
    }
    for _ in 0..left {
        b.code(0x30, 8);
    }
    b.code(0, 7); // end of block (256)
    if b.2 > 0 {
        b.0.push(b.1 as u8);
    }
    b.0
}

/// A ZIP of one deflated `Accounts.txt` declaring `declared` bytes uncompressed.
fn zip_of(data: &[u8], declared: u32) -> Vec<u8> {
    zip_named(b"Accounts.txt", data, declared)
}

/// A ZIP of one deflated file `name` declaring `declared` bytes uncompressed.
fn zip_named(name: &[u8], data: &[u8], declared: u32) -> Vec<u8> {
    let mut z = Vec::new();
    let header = |z: &mut Vec<u8>| {
        z.extend_from_slice(&[20, 0, 0, 0, 8, 0, 0, 0, 0, 0]); // version, flags, deflate, time, date
        z.extend_from_slice(&0u32.to_le_bytes()); // CRC (never reached)
        z.extend_from_slice(&(data.len() as u32).to_le_bytes());
        z.extend_from_slice(&declared.to_le_bytes());
        z.extend_from_slice(&(name.len() as u16).to_le_bytes());
        z.extend_from_slice(&0u16.to_le_bytes()); // extra
    };
    z.extend_from_slice(b"PK\x03\x04");
    header(&mut z);
    z.extend_from_slice(name);
    z.extend_from_slice(data);
    let cd = z.len();
    z.extend_from_slice(b"PK\x01\x02\x14\x00");
    header(&mut z);
    z.extend_from_slice(&[0; 14]); // comment, disk, attributes, local header offset 0
    z.extend_from_slice(name);
    let cd_len = z.len() - cd;
    z.extend_from_slice(b"PK\x05\x06\0\0\0\0\x01\0\x01\0");
    z.extend_from_slice(&(cd_len as u32).to_le_bytes());
    z.extend_from_slice(&(cd as u32).to_le_bytes());
    z.extend_from_slice(&[0, 0]);
    z
}

#[test]
fn a_zip_bomb_lying_about_its_size_stops_at_the_cap() {
    // 256 MiB of zeros in about 100 KiB, declared as 100 bytes.
    let file = zip_of(&deflate_zeros(256 * MB), 100);
    assert!(file.len() < 2 * MB);
    let (err, largest) =
        largest_allocation(|| import(&file, FormatId::AuthenticatorPlus, Some("pw")));
    assert!(
        matches!(&err, FormatError::Unsupported(FormatId::AuthenticatorPlus, m)
            if m.contains("more than the 8388608 bytes (8 MiB) Ninsho reads from an archive")),
        "{err}"
    );
    assert!(largest < 32 * MB, "largest allocation {largest} bytes");
}

#[test]
fn a_zip_declaring_a_huge_file_is_refused_before_inflating() {
    let file = zip_of(&deflate_zeros(1000), u32::MAX - 1);
    let (err, largest) =
        largest_allocation(|| import(&file, FormatId::AuthenticatorPlus, Some("pw")));
    assert!(
        matches!(&err, FormatError::Unsupported(FormatId::AuthenticatorPlus, m)
            if m.contains("inflates to 4294967294 bytes")),
        "{err}"
    );
    assert!(largest < MB, "largest allocation {largest} bytes");
}

#[test]
fn a_zip_of_many_end_records_or_files_is_refused() {
    let mut file = zip_of(&deflate_zeros(1000), 1000);
    let end = file[file.len() - 22..].to_vec();
    for _ in 0..20 {
        file.extend_from_slice(&end);
    }
    let err = import(&file, FormatId::AuthenticatorPlus, Some("pw"));
    assert!(
        matches!(&err, FormatError::NotThisFormat(_, m) if m.contains("end-of-archive records")),
        "{err}"
    );
    let mut file = zip_of(&deflate_zeros(1000), 1000);
    let at = file.len() - 22;
    file[at + 8..at + 12].copy_from_slice(&[0xF0, 0xFF, 0xF0, 0xFF]); // 65,520 files
    let (err, largest) =
        largest_allocation(|| import(&file, FormatId::AuthenticatorPlus, Some("pw")));
    assert!(
        matches!(&err, FormatError::NotThisFormat(_, m) if m.contains("lists 65520 files")),
        "{err}"
    );
    assert!(largest < MB, "largest allocation {largest} bytes");
}

// ---- Icon packs ----------------------------------------------------------------------------

#[test]
fn an_icon_pack_bomb_or_one_of_ten_thousand_files_is_refused_before_it_costs() {
    use ninsho_core::icon::pack::{self, PackError};
    let dir = tempfile::tempdir().unwrap();
    // pack.json: 256 MiB of zeros in about 100 KiB, declared as 100 bytes.
    let bomb = zip_named(b"pack.json", &deflate_zeros(256 * MB), 100);
    let (err, largest) = largest_allocation(|| pack::import(dir.path(), &bomb));
    assert!(
        matches!(&err, Err(PackError::Inflates { name, .. }) if name == "pack.json"),
        "{err:?}"
    );
    assert!(largest < 32 * MB, "largest allocation {largest} bytes");
    // One declaring 4 GiB is refused before anything is inflated.
    let declared = zip_named(b"pack.json", &deflate_zeros(1000), u32::MAX - 1);
    let (err, largest) = largest_allocation(|| pack::import(dir.path(), &declared));
    assert!(matches!(err, Err(PackError::Inflates { .. })), "{err:?}");
    assert!(largest < MB, "largest allocation {largest} bytes");
    // An archive listing 10,000 files is refused from its end record.
    let mut many = zip_named(b"pack.json", &deflate_zeros(1000), 1000);
    let at = many.len() - 22;
    many[at + 8..at + 12].copy_from_slice(&[0x10, 0x27, 0x10, 0x27]); // 10,000 files
    let (err, largest) = largest_allocation(|| pack::import(dir.path(), &many));
    let err = err.unwrap_err();
    assert!(
        err.to_string().contains("lists 10000 files; at most 5000"),
        "{err}"
    );
    assert!(largest < MB, "largest allocation {largest} bytes");
    assert!(pack::Shelf::load(dir.path()).is_empty());
}

/// A ZIP of several files, each `(name, method, data, crc, declared uncompressed size)`:
/// method 0 stores the data, 8 has it deflated already.
fn zip_files(files: &[(String, u16, Vec<u8>, u32, u32)]) -> Vec<u8> {
    let mut z = Vec::new();
    let mut central = Vec::new();
    for (name, method, data, crc, declared) in files {
        let offset = z.len() as u32;
        let header = |out: &mut Vec<u8>| {
            out.extend_from_slice(&[20, 0, 0, 0]); // version, flags
            out.extend_from_slice(&method.to_le_bytes());
            out.extend_from_slice(&[0, 0, 0, 0]); // time, date
            out.extend_from_slice(&crc.to_le_bytes());
            out.extend_from_slice(&(data.len() as u32).to_le_bytes());
            out.extend_from_slice(&declared.to_le_bytes());
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes()); // extra
        };
        z.extend_from_slice(b"PK\x03\x04");
        header(&mut z);
        z.extend_from_slice(name.as_bytes());
        z.extend_from_slice(data);
        central.extend_from_slice(b"PK\x01\x02\x14\x00");
        header(&mut central);
        central.extend_from_slice(&[0; 10]); // comment, disk, attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let cd = z.len();
    z.extend_from_slice(&central);
    z.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    let n = (files.len() as u16).to_le_bytes();
    z.extend_from_slice(&[n[0], n[1], n[0], n[1]]);
    z.extend_from_slice(&(central.len() as u32).to_le_bytes());
    z.extend_from_slice(&(cd as u32).to_le_bytes());
    z.extend_from_slice(&[0, 0]);
    z
}

#[test]
fn icons_that_declare_nothing_still_count_against_the_packs_whole_bound() {
    use ninsho_core::icon::pack::{self, MAX_INFLATED_BYTES, PackError};
    // 300 icons, each declaring 0 bytes and inflating to 1 MiB (a few KB each in the file, with
    // right checksums): 300 MiB to inflate and decode without the whole bound, which counts
    // what is read, not what is declared.
    let one = deflate_zeros(MB);
    let crc = crc32fast::hash(&vec![0u8; MB]);
    let count = (MAX_INFLATED_BYTES / MB as u64) as usize + 44;
    let manifest = serde_json::json!({
        "uuid": "5b0c1f2e-3d4a-4b5c-8d6e-7f8091a2b3c4", "name": "Bomb", "version": 1,
        "icons": (0..count).map(|i| serde_json::json!({
            "filename": format!("SVG/{i}.svg"), "category": null, "issuer": [format!("I{i}")],
        })).collect::<Vec<_>>(),
    })
    .to_string()
    .into_bytes();
    let mut files = vec![(
        "pack.json".to_owned(),
        0,
        manifest.clone(),
        crc32fast::hash(&manifest),
        manifest.len() as u32,
    )];
    files.extend((0..count).map(|i| (format!("SVG/{i}.svg"), 8, one.clone(), crc, 0)));
    let file = zip_files(&files);
    assert!(file.len() < 4 * MB, "{} bytes", file.len());
    let dir = tempfile::tempdir().unwrap();
    let (err, largest) = largest_allocation(|| pack::import(dir.path(), &file));
    assert!(matches!(err, Err(PackError::InflatesInAll)), "{err:?}");
    assert!(largest < 32 * MB, "largest allocation {largest} bytes");
    assert!(pack::Shelf::load(dir.path()).is_empty());
}

// ---- SQLite -------------------------------------------------------------------------------

fn database(sql: &str) -> Vec<u8> {
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    conn.execute_batch(sql).unwrap();
    conn.serialize(rusqlite::DatabaseName::Main)
        .unwrap()
        .to_vec()
}

#[test]
fn a_database_whose_table_is_a_view_over_an_endless_query_is_refused() {
    // Google Authenticator's table, as a view counting to 10^12 (hours, were it run).
    let file = database(
        "CREATE VIEW accounts AS WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c \
         WHERE n < 1000000000000) SELECT n AS email, n AS secret, n AS original_name, n AS counter, \
         n AS type, n AS issuer FROM c;",
    );
    assert!(!formats::detect(&file).contains(&FormatId::GoogleAuthenticator));
    let err = import(&file, FormatId::GoogleAuthenticator, None);
    assert!(
        matches!(&err, FormatError::Unsupported(FormatId::GoogleAuthenticator, m)
            if m.contains("accounts is a view, not a table")),
        "{err}"
    );
}

#[test]
fn a_database_of_more_rows_than_any_app_holds_is_refused() {
    let file = database(
        "CREATE TABLE accounts(email, secret, original_name, counter, type, issuer);
         WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 10001)
         INSERT INTO accounts SELECT 'a' || n, 'JBSWY3DPEHPK3PXP', 'a', 0, 0, 'I' FROM c;",
    );
    let err = import(&file, FormatId::GoogleAuthenticator, None);
    assert!(
        matches!(&err, FormatError::Unsupported(FormatId::GoogleAuthenticator, m)
            if m.contains("more than 10000 rows")),
        "{err}"
    );
}
