//! Argon2id: how a key is derived from something a person types (a sync passphrase, the vault's
//! password), shared by the sync folder and the vault lock.
//!
//! The parameters are stored next to what they protect (`folder.json`, `vault.json`), and
//! anyone who can write there can change them: they are bounded before any memory is taken,
//! so a hostile file cannot make Ninsho allocate gigabytes or run for minutes.

use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use zeroize::Zeroizing;

/// Argon2id's cost for a new key: 64 MiB, 3 passes, 1 lane (about a third of a second here),
/// so each guessed password costs an attacker that much.
pub const MEMORY_KIB: u32 = 64 * 1024;
pub const ITERATIONS: u32 = 3;
/// The most a stored parameter set may ask for: 1 GiB, 10 passes, 8 lanes. More (a damaged or
/// hostile file) is refused before anything is allocated.
pub const MAX_MEMORY_KIB: u32 = 1024 * 1024;
pub const MAX_ITERATIONS: u32 = 10;
pub const MAX_PARALLELISM: u32 = 8;

/// Why stored parameters cannot be used. Says nothing of the password.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KdfError {
    #[error("it asks for the key derivation '{0}'")]
    Unsupported(String),
    #[error(
        "it asks for a key derivation of {memory_mib} MiB × {iterations} passes × {parallelism} lanes, \
         more than Ninsho ever sets ({} MiB × {MAX_ITERATIONS} × {MAX_PARALLELISM})",
        MAX_MEMORY_KIB / 1024
    )]
    TooCostly {
        memory_mib: u32,
        iterations: u32,
        parallelism: u32,
    },
    #[error("its salt is not 16 to 64 bytes of base64")]
    Salt,
    #[error("its key derivation is invalid ({0})")]
    Invalid(String),
    #[error("this system gave Ninsho no random numbers")]
    NoRandomness,
}

/// Argon2id's parameters and salt, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kdf {
    pub algorithm: String,
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
    /// Base64, 16 to 64 bytes.
    pub salt: String,
}

/// `N` random bytes from the operating system.
pub fn random<const N: usize>() -> Result<[u8; N], KdfError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|_| KdfError::NoRandomness)?;
    Ok(bytes)
}

impl Kdf {
    /// Ninsho's parameters with a fresh salt.
    pub fn new() -> Result<Kdf, KdfError> {
        Ok(Kdf {
            algorithm: "argon2id".into(),
            memory_kib: MEMORY_KIB,
            iterations: ITERATIONS,
            parallelism: 1,
            salt: B64.encode(random::<16>()?),
        })
    }

    /// The salt, once the parameters are known to be within bounds.
    fn check_bounds(&self) -> Result<Zeroizing<Vec<u8>>, KdfError> {
        if self.algorithm != "argon2id" {
            return Err(KdfError::Unsupported(self.algorithm.clone()));
        }
        if self.memory_kib > MAX_MEMORY_KIB
            || self.iterations > MAX_ITERATIONS
            || self.parallelism > MAX_PARALLELISM
        {
            return Err(KdfError::TooCostly {
                memory_mib: self.memory_kib / 1024,
                iterations: self.iterations,
                parallelism: self.parallelism,
            });
        }
        let salt = Zeroizing::new(B64.decode(&self.salt).map_err(|_| KdfError::Salt)?);
        if !(16..=64).contains(&salt.len()) {
            return Err(KdfError::Salt);
        }
        Ok(salt)
    }

    /// A 32-byte key: Argon2id of `password` with these parameters (bounded first).
    pub fn derive(&self, password: &str) -> Result<Zeroizing<[u8; 32]>, KdfError> {
        let salt = self.check_bounds()?;
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, Some(32))
            .map_err(|e| KdfError::Invalid(e.to_string()))?;
        let mut key = Zeroizing::new([0u8; 32]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(password.as_bytes(), &salt, key.as_mut())
            .map_err(|e| KdfError::Invalid(e.to_string()))?;
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_password_same_key_and_a_hostile_cost_is_refused_before_allocating() {
        let mut kdf = Kdf::new().unwrap();
        kdf.memory_kib = 1024; // fast for the test
        kdf.iterations = 1;
        let a = kdf.derive("correct horse").unwrap();
        assert_eq!(*a, *kdf.derive("correct horse").unwrap());
        assert_ne!(*a, *kdf.derive("correct horsf").unwrap());
        // 8 GiB would take minutes and gigabytes: refused at once.
        kdf.memory_kib = 8 * 1024 * 1024;
        let started = std::time::Instant::now();
        assert!(matches!(
            kdf.derive("x"),
            Err(KdfError::TooCostly {
                memory_mib: 8192,
                ..
            })
        ));
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        kdf.memory_kib = 1024;
        kdf.parallelism = 1000;
        assert!(matches!(kdf.derive("x"), Err(KdfError::TooCostly { .. })));
        kdf.parallelism = 1;
        kdf.salt = "c2hvcnQ=".into();
        assert_eq!(kdf.derive("x").unwrap_err(), KdfError::Salt);
        kdf.algorithm = "scrypt".into();
        assert!(matches!(kdf.derive("x"), Err(KdfError::Unsupported(_))));
    }
}
