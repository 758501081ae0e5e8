//! Staff passwords: argon2id at or above OWASP's minimum, a length rule, and a short deny-list.
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher as _, SaltString};
use argon2::{Algorithm, Argon2, Params, PasswordVerifier, Version};

pub const MIN_LEN: usize = 10;
/// Long enough for any passphrase, short enough that hashing it is not a denial of service.
pub const MAX_LEN: usize = 256;

const COMMON: &str = include_str!("common_passwords.txt");

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeakPassword {
    #[error("The password must be at least {MIN_LEN} characters long.")]
    TooShort,
    #[error("The password must be at most {MAX_LEN} characters long.")]
    TooLong,
    #[error("That password is too common; choose one that is harder to guess.")]
    Common,
    #[error("The password must not contain the username.")]
    ContainsUsername,
}

pub fn check_policy(password: &str, username: &str) -> Result<(), WeakPassword> {
    let len = password.chars().count();
    if len < MIN_LEN {
        return Err(WeakPassword::TooShort);
    }
    if len > MAX_LEN {
        return Err(WeakPassword::TooLong);
    }
    let lower = password.to_lowercase();
    let first = lower.chars().next();
    if COMMON.lines().any(|c| c == lower) || lower.chars().all(|c| Some(c) == first) {
        return Err(WeakPassword::Common);
    }
    let user = username.trim().to_lowercase();
    if user.chars().count() >= 3 && lower.contains(&user) {
        return Err(WeakPassword::ContainsUsername);
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashParams {
    pub m_cost_kib: u32,
    pub t_cost: u32,
    pub p_cost: u32,
}

impl HashParams {
    /// OWASP's argon2id minimum: 19 MiB, 2 iterations, 1 lane.
    pub const OWASP: Self = Self {
        m_cost_kib: 19 * 1024,
        t_cost: 2,
        p_cost: 1,
    };
    /// Cheap parameters so tests that create many users stay quick. Never used by the app.
    pub const TEST_ONLY: Self = Self {
        m_cost_kib: 64,
        t_cost: 1,
        p_cost: 1,
    };
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// Hashes with the configured cost and verifies with whatever cost a stored hash records, so
/// raising the cost later does not lock anyone out.
pub struct PasswordHasher {
    argon: Argon2<'static>,
    dummy: String,
}

impl std::fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHasher")
    }
}

impl PasswordHasher {
    pub fn new(p: HashParams) -> Result<Self, HashError> {
        let params = Params::new(p.m_cost_kib, p.t_cost, p.p_cost, None)
            .map_err(|e| HashError(e.to_string()))?;
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let salt = SaltString::generate(&mut OsRng);
        let dummy = argon
            .hash_password(b"not-a-real-password", &salt)
            .map_err(|e| HashError(e.to_string()))?
            .to_string();
        Ok(Self { argon, dummy })
    }

    pub fn hash(&self, password: &str) -> Result<String, HashError> {
        let salt = SaltString::generate(&mut OsRng);
        Ok(self
            .argon
            .hash_password(password.as_bytes(), &salt)
            .map_err(|e| HashError(e.to_string()))?
            .to_string())
    }

    pub fn verify(&self, password: &str, stored: &str) -> bool {
        match PasswordHash::new(stored) {
            Ok(parsed) => self
                .argon
                .verify_password(password.as_bytes(), &parsed)
                .is_ok(),
            Err(_) => false,
        }
    }

    /// Spends the same time as a real check, for usernames that do not exist, so response time
    /// does not reveal which accounts exist.
    pub fn verify_dummy(&self, password: &str) {
        let _ = self.verify(password, &self.dummy);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owasp_params_are_at_least_the_minimum() {
        let p = HashParams::OWASP;
        assert!(p.m_cost_kib >= 19 * 1024 && p.t_cost >= 2 && p.p_cost >= 1);
        let h = PasswordHasher::new(p)
            .unwrap()
            .hash("correct horse battery")
            .unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
    }

    #[test]
    fn hash_and_verify() {
        let hasher = PasswordHasher::new(HashParams::TEST_ONLY).unwrap();
        let h = hasher.hash("tulip-garden-42").unwrap();
        assert!(hasher.verify("tulip-garden-42", &h));
        assert!(!hasher.verify("tulip-garden-43", &h));
        assert!(!hasher.verify("tulip-garden-42", "not a phc string"));
        assert!(!hasher.verify("", ""));
    }

    #[test]
    fn policy() {
        assert_eq!(check_policy("short", "ana"), Err(WeakPassword::TooShort));
        assert_eq!(
            check_policy("Password123", "ana"),
            Err(WeakPassword::Common)
        );
        assert_eq!(
            check_policy("zzzzzzzzzzzz", "ana"),
            Err(WeakPassword::Common)
        );
        assert_eq!(
            check_policy("maria-the-great", "Maria"),
            Err(WeakPassword::ContainsUsername)
        );
        assert_eq!(
            check_policy(&"x1".repeat(200), "ana"),
            Err(WeakPassword::TooLong)
        );
        assert_eq!(check_policy("sunflower meadow", "ana"), Ok(()));
        // Length counts characters, not bytes: ten accented letters are enough.
        assert_eq!(check_policy("ñáéíóúüñáé", "ana"), Ok(()));
    }
}
