//! The issued-token store shared by all emulated services, and token minting.
//!
//! Every token the demo server hands out (access, refresh, NOMAD app token) is recorded
//! here with the service that issued it, its subject and its expiry. The protected API
//! endpoints only look tokens up here, so a token of one service never opens another
//! service's API, and an expired or revoked token is refused.
//!
//! JWTs are HS256-signed with a per-process random key (the real issuers use RS256 with
//! published keys; clients only need to *read* the claims, e.g. NOMAD's `exp`).
//! Opaque tokens follow the real shapes: Doorkeeper's are 43-char urlsafe base64.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use rand::{Rng, RngCore};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::lock;

/// The five emulated services.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Service {
    Oqtant,
    Quamotion,
    Autolab,
    PlantPredict,
    Nomad,
}

impl Service {
    /// The access-token lifetime of the real service.
    pub(crate) fn real_access_ttl(self) -> Duration {
        Duration::from_secs(match self {
            Service::Oqtant => 86_400,
            Service::Quamotion => 3_599,
            Service::Autolab => 7_200,
            Service::PlantPredict => 3_600,
            Service::Nomad => 3_600,
        })
    }
}

/// What a stored token is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Access,
    Refresh,
    /// NOMAD's user-chosen-lifetime app token; accepted like an access token.
    App,
}

/// One issued token.
#[derive(Clone, Debug)]
pub(crate) struct Issued {
    pub(crate) service: Service,
    pub(crate) kind: Kind,
    pub(crate) subject: String,
    pub(crate) client_id: String,
    pub(crate) scope: String,
    /// Keycloak session id (NOMAD) or empty.
    pub(crate) session: String,
    pub(crate) expires_at: Option<Instant>,
    pub(crate) revoked: bool,
}

impl Issued {
    pub(crate) fn new(service: Service, kind: Kind, subject: &str, ttl: Option<Duration>) -> Self {
        Issued {
            service,
            kind,
            subject: subject.to_owned(),
            client_id: String::new(),
            scope: String::new(),
            session: String::new(),
            expires_at: ttl.map(|d| Instant::now() + d),
            revoked: false,
        }
    }

    pub(crate) fn client(mut self, client_id: &str) -> Self {
        self.client_id = client_id.to_owned();
        self
    }

    pub(crate) fn scope(mut self, scope: &str) -> Self {
        self.scope = scope.to_owned();
        self
    }

    pub(crate) fn session(mut self, session: &str) -> Self {
        self.session = session.to_owned();
        self
    }

    fn expired(&self) -> bool {
        self.expires_at.is_some_and(|t| Instant::now() >= t)
    }
}

/// Why a presented token was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rejected {
    /// Never issued by this server (or garbage).
    Unknown,
    /// Issued by another service, or a token of another kind.
    Foreign,
    Expired,
    /// Revoked, e.g. a rotated-away refresh token.
    Revoked,
}

#[derive(Debug, Default)]
pub(crate) struct TokenStore {
    map: Mutex<HashMap<String, Issued>>,
}

impl TokenStore {
    pub(crate) fn insert(&self, token: &str, issued: Issued) {
        let mut map = lock(&self.map);
        if map.len() > 50_000 {
            map.retain(|_, t| !t.expired() && !t.revoked);
        }
        map.insert(token.to_owned(), issued);
    }

    /// Checks `token` is a live token of `service` of one of `kinds`.
    pub(crate) fn check(
        &self,
        token: &str,
        service: Service,
        kinds: &[Kind],
    ) -> Result<Issued, Rejected> {
        let map = lock(&self.map);
        let issued = map.get(token).ok_or(Rejected::Unknown)?;
        if issued.service != service || !kinds.contains(&issued.kind) {
            return Err(Rejected::Foreign);
        }
        if issued.revoked {
            return Err(Rejected::Revoked);
        }
        if issued.expired() {
            return Err(Rejected::Expired);
        }
        Ok(issued.clone())
    }

    /// Checks a refresh token of `service` and revokes it (rotation): a second use fails.
    pub(crate) fn use_refresh(&self, token: &str, service: Service) -> Result<Issued, Rejected> {
        let mut map = lock(&self.map);
        let issued = map.get_mut(token).ok_or(Rejected::Unknown)?;
        if issued.service != service || issued.kind != Kind::Refresh {
            return Err(Rejected::Foreign);
        }
        if issued.revoked {
            return Err(Rejected::Revoked);
        }
        if issued.expired() {
            return Err(Rejected::Expired);
        }
        issued.revoked = true;
        Ok(issued.clone())
    }

    pub(crate) fn revoke(&self, token: &str) {
        if let Some(t) = lock(&self.map).get_mut(token) {
            t.revoked = true;
        }
    }
}

/// HS256 JWT minting with a per-process random key.
pub(crate) struct JwtSigner {
    key: [u8; 32],
}

impl JwtSigner {
    pub(crate) fn new() -> Self {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        JwtSigner { key }
    }

    /// Signs `claims` with header `{"alg":"HS256","typ":"JWT"}` (plus `kid` if given).
    pub(crate) fn sign(&self, claims: &Value, kid: Option<&str>) -> String {
        let header = match kid {
            Some(kid) => json!({"alg": "HS256", "typ": "JWT", "kid": kid}),
            None => json!({"alg": "HS256", "typ": "JWT"}),
        };
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = match Hmac::<Sha256>::new_from_slice(&self.key) {
            Ok(mut mac) => {
                mac.update(signing_input.as_bytes());
                mac.finalize().into_bytes().to_vec()
            }
            // HMAC takes keys of any length; this branch cannot happen.
            Err(_) => Vec::new(),
        };
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }
}

/// The claims of a JWT, without checking the signature (like `jwt.decode(verify=False)`).
pub(crate) fn peek_claims(token: &str) -> Option<Value> {
    let mut parts = token.split('.');
    let (_header, payload, _sig) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(payload).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// `BASE64URL(SHA256(verifier))`, the PKCE S256 transform (RFC 7636 §4.2).
pub(crate) fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// `n` random bytes as lowercase hex (2n chars).
pub(crate) fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `n` random bytes as urlsafe base64 without padding (32 bytes → 43 chars).
pub(crate) fn random_urlsafe(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// `n` random characters from `[a-zA-Z0-9]`.
pub(crate) fn random_alnum(n: usize) -> String {
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut rng = rand::rng();
    (0..n)
        .map(|_| char::from(CHARS[rng.random_range(0..CHARS.len())]))
        .collect()
}

/// A random version-4 UUID, hyphenated.
pub(crate) fn random_uuid() -> String {
    let mut b = [0u8; 16];
    rand::rng().fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// Seconds since the Unix epoch.
pub(crate) fn now_epoch() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// `YYYY-MM-DD HH:MM:SSZ` (the format of Azure AD's error `timestamp`).
pub(crate) fn utc_timestamp(epoch: u64) -> String {
    let days = (epoch / 86_400) as i64;
    let rem = epoch % 86_400;
    // Civil-from-days (proleptic Gregorian), after H. Hinnant's public-domain algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_formats_known_epochs() {
        assert_eq!(utc_timestamp(0), "1970-01-01 00:00:00Z");
        assert_eq!(utc_timestamp(1_709_210_096), "2024-02-29 12:34:56Z");
    }

    #[test]
    fn s256_matches_rfc7636_example() {
        assert_eq!(
            s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn jwt_claims_round_trip() {
        let signer = JwtSigner::new();
        let token = signer.sign(&json!({"sub": "x", "exp": 5}), None);
        assert_eq!(token.split('.').count(), 3);
        assert_eq!(peek_claims(&token), Some(json!({"sub": "x", "exp": 5})));
    }

    #[test]
    fn random_shapes() {
        assert_eq!(random_urlsafe(32).len(), 43);
        assert_eq!(random_hex(32).len(), 64);
        assert_eq!(random_uuid().len(), 36);
        assert!(random_alnum(6).chars().all(|c| c.is_ascii_alphanumeric()));
    }
}
