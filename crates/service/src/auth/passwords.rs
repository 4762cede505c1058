//! argon2id password hashing. Hashing is slow on purpose, so it runs on the blocking pool.

use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use colophon_domain::Password;

use crate::ServiceError;

/// A hash of a password nobody knows, verified when the e-mail is unknown so that the
/// response takes as long as for a known account.
#[allow(clippy::expect_used, reason = "48 hex characters are a valid password, and argon2 hashes any")]
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let random: [u8; 24] = rand::random();
    let password: String = random.iter().map(|b| format!("{b:02x}")).collect();
    hash(&Password::parse(password).expect("48 characters")).expect("argon2 hashes")
});

/// Hashes a password with argon2id and a fresh salt, as a PHC string. Slow on purpose: keep it
/// off async worker threads.
pub fn hash(password: &Password) -> Result<String, ServiceError> {
    Argon2::default()
        .hash_password(password.expose().as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| ServiceError::internal_while("argon2", e.to_string()))
}

/// Checks `password` against `stored`, or against the dummy hash when there is none, and
/// counts the argon2 verification in `counter`: a test can then prove that an unknown e-mail
/// costs the same argon2 work as a wrong password.
pub fn verify(password: &str, stored: Option<&str>, counter: &AtomicU64) -> bool {
    counter.fetch_add(1, Ordering::Relaxed);
    match stored {
        Some(hash) => Argon2::default().verify_password(password.as_bytes(), hash).is_ok(),
        None => {
            let _ = Argon2::default().verify_password(password.as_bytes(), DUMMY_HASH.as_str());
            false
        }
    }
}

/// Builds the dummy hash ahead of the first login, so that login does not pay for it.
pub fn warm_up() {
    LazyLock::force(&DUMMY_HASH);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let password = Password::parse("correct horse battery").unwrap();
        let stored = hash(&password).unwrap();
        assert!(stored.starts_with("$argon2id$"));
        let counter = AtomicU64::new(0);
        assert!(verify("correct horse battery", Some(&stored), &counter));
        assert!(!verify("wrong horse battery", Some(&stored), &counter));
        assert!(!verify("anything at all", None, &counter));
        assert_eq!(counter.load(Ordering::Relaxed), 3, "the unknown-account path verifies too");
    }
}
