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

/// libsodium's `crypto_secretstream_xchacha20poly1305`, pull side, for a stream of one or
/// more messages (Ente Auth's encrypted export). Built from RustCrypto's HChaCha20, ChaCha20
/// and Poly1305 following libsodium's construction; returns None when a tag does not verify.
pub fn secretstream_open(
    key: &[u8],
    header: &[u8],
    stream: &[u8],
    chunk: usize,
) -> Option<Zeroizing<Vec<u8>>> {
    use chacha20::cipher::{KeyIvInit as _, StreamCipher, StreamCipherSeek};
    use poly1305::universal_hash::KeyInit as _;

    if key.len() != 32 || header.len() != 24 {
        return None;
    }
    let mut subkey = Zeroizing::new([0u8; 32]);
    subkey.copy_from_slice(&chacha20::hchacha::<chacha20::cipher::consts::U10>(
        chacha20::Key::from_slice(key),
        chacha20::cipher::generic_array::GenericArray::from_slice(&header[..16]),
    ));
    let mut nonce = [0u8; 12];
    nonce[0] = 1; // the counter starts at 1
    nonce[4..].copy_from_slice(&header[16..24]);
    let mut out = Zeroizing::new(Vec::with_capacity(stream.len()));
    let abytes = 17; // tag byte + MAC
    let mut rest = stream;
    loop {
        let take = rest.len().min(chunk + abytes);
        if take < abytes {
            return None;
        }
        let (message, tail) = rest.split_at(take);
        rest = tail;
        let mlen = message.len() - abytes;
        let mut cipher = chacha20::ChaCha20::new(subkey.as_ref().into(), (&nonce).into());
        let mut block = Zeroizing::new([0u8; 64]);
        cipher.apply_keystream(block.as_mut());
        let mac = poly1305::Poly1305::new(poly1305::Key::from_slice(&block[..32]));
        // libsodium's MAC input: the tag block, the ciphertext, then `mlen % 16` zero bytes
        // (not the usual pad to 16: libsodium keeps this quirk for compatibility), then the
        // additional-data length (none) and 64 + mlen, little-endian.
        block.fill(0);
        block[0] = message[0];
        cipher.seek(64u64);
        cipher.apply_keystream(block.as_mut());
        let tag = block[0];
        block[0] = message[0];
        let c = &message[1..1 + mlen];
        let mut authenticated = Vec::with_capacity(64 + mlen + 16 + 16);
        authenticated.extend_from_slice(block.as_ref());
        authenticated.extend_from_slice(c);
        authenticated.resize(authenticated.len() + mlen % 16, 0);
        authenticated.extend_from_slice(&0u64.to_le_bytes());
        authenticated.extend_from_slice(&(64 + mlen as u64).to_le_bytes());
        let expected = mac.compute_unpadded(&authenticated);
        let stored = &message[1 + mlen..];
        if expected.as_slice().len() != stored.len()
            || expected
                .as_slice()
                .iter()
                .zip(stored)
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                != 0
        {
            return None;
        }
        let start = out.len();
        out.extend_from_slice(c);
        cipher.seek(128u64);
        cipher.apply_keystream(&mut out[start..]);
        // Advance the state as libsodium does after each message: mix the MAC into the inner
        // nonce and count. (Ente never asks for a rekey; a stream that does is refused.)
        for (byte, m) in nonce[4..].iter_mut().zip(stored) {
            *byte ^= m;
        }
        let counter = u32::from_le_bytes(nonce[..4].try_into().ok()?).wrapping_add(1);
        nonce[..4].copy_from_slice(&counter.to_le_bytes());
        const TAG_REKEY: u8 = 2;
        const TAG_FINAL: u8 = 3;
        if tag & TAG_REKEY != 0 && tag != TAG_FINAL || counter == 0 {
            return None;
        }
        if tag == TAG_FINAL {
            return rest.is_empty().then_some(out);
        }
        if rest.is_empty() {
            return None; // truncated: the final message is missing
        }
    }
}
