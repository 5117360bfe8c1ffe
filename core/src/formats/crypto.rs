//! The primitives backups use, from RustCrypto. Wrong passwords show up as authentication
//! failures (GCM, Poly1305) or broken padding (CBC); callers turn that into WrongPassword.

use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit, block_padding::Pkcs7};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use sha2::Digest;
use zeroize::Zeroizing;

pub type Key = Zeroizing<[u8; 32]>;

pub fn pbkdf2_sha1(password: &[u8], salt: &[u8], rounds: u32) -> Key {
    let mut key = Zeroizing::new([0u8; 32]);
    pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password, salt, rounds, key.as_mut());
    key
}

pub fn pbkdf2_sha256(password: &[u8], salt: &[u8], rounds: u32) -> Key {
    let mut key = Zeroizing::new([0u8; 32]);
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, salt, rounds, key.as_mut());
    key
}

pub fn pbkdf2_sha512(password: &[u8], salt: &[u8], rounds: u32) -> Key {
    let mut key = Zeroizing::new([0u8; 32]);
    pbkdf2::pbkdf2_hmac::<sha2::Sha512>(password, salt, rounds, key.as_mut());
    key
}

pub fn sha256(data: &[u8]) -> Key {
    let mut key = Zeroizing::new([0u8; 32]);
    key.copy_from_slice(&sha2::Sha256::digest(data));
    key
}

/// The error for a key derivation that asks for far more than the app that writes the format
/// ever does: the work (or memory) would be spent before the password could even be checked.
pub fn refuse_kdf(asks: impl std::fmt::Display, writes: impl std::fmt::Display) -> String {
    format!("this backup asks for {asks} to derive its key; {writes}; refusing")
}

/// Mebibytes, rounded up, for messages.
pub fn mib(bytes: u64) -> u64 {
    bytes.div_ceil(1 << 20)
}

pub fn scrypt(password: &[u8], salt: &[u8], log_n: u8, r: u32, p: u32) -> Option<Key> {
    let params = scrypt::Params::new(log_n, r, p, 32).ok()?;
    let mut key = Zeroizing::new([0u8; 32]);
    scrypt::scrypt(password, salt, &params, key.as_mut()).ok()?;
    Some(key)
}

pub fn argon2id(password: &[u8], salt: &[u8], t: u32, m_kib: u32, p: u32) -> Option<Key> {
    let params = argon2::Params::new(m_kib, t, p, Some(32)).ok()?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut key = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(password, salt, key.as_mut())
        .ok()?;
    Some(key)
}

/// AES-256-GCM with a 12-byte nonce; `ciphertext` ends with the 16-byte tag.
pub fn aes_gcm_open(
    key: &[u8],
    nonce: &[u8],
    ciphertext: &[u8],
    aad: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    if key.len() != 32 || nonce.len() != 12 {
        return None;
    }
    let cipher = aes_gcm::Aes256Gcm::new_from_slice(key).ok()?;
    cipher
        .decrypt(
            aes_gcm::Nonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad,
            },
        )
        .ok()
        .map(Zeroizing::new)
}

/// AES-256-GCM encryption; the result ends with the tag.
pub fn aes_gcm_seal(key: &[u8], nonce: &[u8], plaintext: &[u8]) -> Option<Vec<u8>> {
    let cipher = aes_gcm::Aes256Gcm::new_from_slice(key).ok()?;
    if nonce.len() != 12 {
        return None;
    }
    cipher
        .encrypt(aes_gcm::Nonce::from_slice(nonce), plaintext)
        .ok()
}

/// AES-256-CBC with PKCS#7 padding.
pub fn aes_cbc_open(key: &[u8], iv: &[u8], ciphertext: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    if key.len() != 32
        || iv.len() != 16
        || ciphertext.is_empty()
        || !ciphertext.len().is_multiple_of(16)
    {
        return None;
    }
    let decryptor = cbc::Decryptor::<aes::Aes256>::new_from_slices(key, iv).ok()?;
    decryptor
        .decrypt_padded_vec_mut::<Pkcs7>(ciphertext)
        .ok()
        .map(Zeroizing::new)
}

#[allow(dead_code)]
pub fn aes_cbc_seal(key: &[u8], iv: &[u8], plaintext: &[u8]) -> Option<Vec<u8>> {
    let encryptor = cbc::Encryptor::<aes::Aes256>::new_from_slices(key, iv).ok()?;
    Some(encryptor.encrypt_padded_vec_mut::<Pkcs7>(plaintext))
}

/// Random bytes from the operating system.
pub fn random<const N: usize>() -> Option<[u8; N]> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).ok()?;
    Some(out)
}

/// The tag a libsodium secret-stream message carries (`crypto_secretstream_xchacha20poly1305_TAG_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamTag {
    Message,
    Push,
    Rekey,
    Final,
}

/// libsodium's `crypto_secretstream_xchacha20poly1305`, pull side, for a stream that is one
/// message (Ente Auth's encrypted export), through the `crypto_secretstream` crate
/// (libsodium's construction, MAC quirk included). Returns the plaintext and the tag the
/// message carries, which the caller judges; None when the message does not verify (a wrong
/// key, or damage).
pub fn secretstream_open_one(
    key: &[u8],
    header: &[u8],
    sealed: &[u8],
) -> Option<(Zeroizing<Vec<u8>>, StreamTag)> {
    use crypto_secretstream::{Header, Key, PullStream, Tag};

    let key = Key::try_from(key).ok()?;
    let header = Header::try_from(header).ok()?;
    let mut pull = PullStream::init(header, &key);
    let mut message = Zeroizing::new(sealed.to_vec());
    let tag = match pull.pull(&mut *message, &[]).ok()? {
        Tag::Message => StreamTag::Message,
        Tag::Push => StreamTag::Push,
        Tag::Rekey => StreamTag::Rekey,
        Tag::Final => StreamTag::Final,
    };
    Some((message, tag))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        crate::formats::common::hex(s).unwrap()
    }

    /// Streams written by libsodium (PyNaCl), key 0x42 × 32, plaintext 0, 1, 2, … : one final
    /// message of each length, and a 20-byte message followed by a final one.
    #[test]
    fn secret_streams_written_by_libsodium_open() {
        let key = [0x42u8; 32];
        let cases = [
            (
                0,
                "65286a7541d98ff187ded9f93f5151d44142bc7f7a35dcca",
                "3eeb988a9719c56b8d93d7d24209998ae5",
            ),
            (
                1,
                "ac112a66fa55966c91be94133ce19c2b682b932f45ff5f44",
                "a4f9da0eea4c1427531715d91266a9bd20d0",
            ),
            (
                15,
                "724d2c1caefb800e66fc0889f17545bcb049b73515063e4e",
                "3e06af7070670734a79f9f26cf2cadda65cafd7b2efad664c0cf1d183dcbd5e3",
            ),
            (
                16,
                "cefb453d2b3daa439bf726bdc14f85c8a49c78dc45cc10e7",
                "db24538cb38a535814a3c270d2f8a9836e6c734301ea14279df8a9f9d11df13bbf",
            ),
            (
                17,
                "5d5f6a183a6415e847de4576e62f98b41c8c077f1a41285d",
                "5e800991de5e0fcf808fa1515851ae85e3791bad42377354da20f05f1d338543bd89",
            ),
        ];
        for (n, header, sealed) in cases {
            let sealed = hex(sealed);
            let (plain, tag) = secretstream_open_one(&key, &hex(header), &sealed)
                .unwrap_or_else(|| panic!("length {n}"));
            assert_eq!(*plain, (0..n).collect::<Vec<u8>>());
            assert_eq!(tag, StreamTag::Final);
            // Any flipped bit fails, and so does a wrong key.
            let mut bad = sealed.clone();
            bad[0] ^= 1;
            assert!(secretstream_open_one(&key, &hex(header), &bad).is_none());
            assert!(secretstream_open_one(&[0; 32], &hex(header), &sealed).is_none());
        }
        // A 20-byte message (TAG_MESSAGE) followed by a final one: the first opens alone and
        // says it is not the end; the two together are no single message.
        let header = hex("bc92fa0476bcd3a661875af842e57c9f263d2d8be9431210");
        let sealed = hex(
            "c5665d8d2cdc06069c159c39bc828526491726a0b9ff877be077578c6e897a1fc4ebd1e08d7376f88647de92389cf894c2d550b07e9b4ad7fc19cfdf59ae35c07e408aee5c34f9c76827",
        );
        let (plain, tag) = secretstream_open_one(&key, &header, &sealed[..37]).unwrap();
        assert_eq!(*plain, (0..20).collect::<Vec<u8>>());
        assert_eq!(tag, StreamTag::Message);
        assert!(secretstream_open_one(&key, &header, &sealed).is_none());
        // Shorter than a tag: nothing to open.
        assert!(secretstream_open_one(&key, &header, &sealed[..16]).is_none());
    }
}
