//! Access tokens: HS256 JWTs, algorithm pinned, issuer and audience checked, expiry and
//! not-before read against the injected clock.

use colophon_domain::{AuthorId, Timestamp};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

pub const ISSUER: &str = "colophon";
pub const AUDIENCE: &str = "colophon-api";

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    /// The author's token version when issued; a bump (role or password change) kills the token.
    ver: i64,
    iss: String,
    aud: String,
    iat: i64,
    nbf: i64,
    exp: i64,
}

/// Who an access token speaks for, once its signature and claims check out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenSubject {
    pub author: AuthorId,
    pub version: i64,
}

pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl TokenKeys {
    pub fn new(secret: &[u8]) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        // Time is checked against the service clock below, not the system clock.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.leeway = 0;
        Self { encoding: EncodingKey::from_secret(secret), decoding: DecodingKey::from_secret(secret), validation }
    }

    #[allow(clippy::expect_used, reason = "HS256 signs any claims with any key; it has no failure to report")]
    pub fn issue(&self, subject: TokenSubject, now: Timestamp, ttl_secs: i64) -> String {
        let iat = now.and_utc().timestamp();
        let claims = Claims {
            sub: subject.author.0.to_string(),
            ver: subject.version,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat,
            nbf: iat,
            exp: iat + ttl_secs,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing cannot fail")
    }

    /// Verifies signature, algorithm, issuer, audience, expiry and not-before; `Err` says why
    /// (for the log only: the client gets one 401 whatever the reason).
    pub fn verify(&self, token: &str, now: Timestamp) -> Result<TokenSubject, &'static str> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|_| "invalid token: signature, algorithm or claims")?;
        let now = now.and_utc().timestamp();
        let claims = data.claims;
        if claims.exp <= now {
            return Err("token expired");
        }
        if claims.nbf > now {
            return Err("token not yet valid");
        }
        let author = claims.sub.parse().map_err(|_| "invalid subject")?;
        Ok(TokenSubject { author: AuthorId(author), version: claims.ver })
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    use super::*;

    fn at(secs: i64) -> Timestamp {
        chrono::DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap().naive_utc()
    }

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn issued_tokens_verify_until_they_expire() {
        let keys = TokenKeys::new(SECRET);
        let subject = TokenSubject { author: AuthorId(7), version: 3 };
        let token = keys.issue(subject, at(0), 900);
        assert_eq!(keys.verify(&token, at(899)), Ok(subject));
        assert!(keys.verify(&token, at(900)).is_err(), "expired");
        assert!(keys.verify(&token, at(-1)).is_err(), "not yet valid");
    }

    #[test]
    fn forged_tokens_are_refused() {
        let keys = TokenKeys::new(SECRET);
        let token = keys.issue(TokenSubject { author: AuthorId(7), version: 0 }, at(0), 900);
        let parts: Vec<&str> = token.split('.').collect();
        // alg: none, with and without a signature.
        let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        assert!(keys.verify(&format!("{none_header}.{}.", parts[1]), at(1)).is_err());
        assert!(keys.verify(&format!("{none_header}.{}.{}", parts[1], parts[2]), at(1)).is_err());
        // Another algorithm, correctly signed with the same secret.
        let hs512 = jsonwebtoken::encode(
            &Header::new(Algorithm::HS512),
            &serde_json::json!({"sub":"7","ver":0,"iss":ISSUER,"aud":AUDIENCE,"iat":0,"nbf":0,"exp":i64::MAX}),
            &EncodingKey::from_secret(SECRET),
        )
        .unwrap();
        assert!(keys.verify(&hs512, at(1)).is_err());
        // A tampered payload (another subject) keeps the old signature.
        let payload = URL_SAFE_NO_PAD.encode(format!(
            r#"{{"sub":"1","ver":0,"iss":"{ISSUER}","aud":"{AUDIENCE}","iat":0,"nbf":0,"exp":9999999999}}"#
        ));
        assert!(keys.verify(&format!("{}.{payload}.{}", parts[0], parts[2]), at(1)).is_err());
        // Another secret, another issuer or audience.
        let other = TokenKeys::new(b"another secret of at least 32 bytes!");
        assert!(
            keys.verify(&other.issue(TokenSubject { author: AuthorId(7), version: 0 }, at(0), 900), at(1)).is_err()
        );
        for (iss, aud) in [("someone-else", AUDIENCE), (ISSUER, "another-api")] {
            let forged = jsonwebtoken::encode(
                &Header::new(Algorithm::HS256),
                &serde_json::json!({"sub":"7","ver":0,"iss":iss,"aud":aud,"iat":0,"nbf":0,"exp":9999999999i64}),
                &EncodingKey::from_secret(SECRET),
            )
            .unwrap();
            assert!(keys.verify(&forged, at(1)).is_err(), "{iss} {aud}");
        }
    }
}
