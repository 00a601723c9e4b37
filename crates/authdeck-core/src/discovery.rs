//! Endpoint discovery: OpenID Connect Discovery, falling back to RFC 8414.
//!
//! A service names an `issuer`, explicit endpoints, or both (explicit ones win). The
//! provider metadata is cached in the cache directory for a day, keyed by issuer, so
//! `authdeck token` does not fetch it on every run.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use url::Url;

use crate::config::{Flow, HttpUrl, Service, ServiceId};
use crate::error::{Error, Result};
use crate::http::HttpClient;
use crate::paths;

/// How long fetched metadata is reused.
pub const CACHE_TTL_SECS: i64 = 24 * 3600;

/// The parts of the provider metadata Authdeck uses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderMetadata {
    pub issuer: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_endpoint: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_endpoint: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_authorization_endpoint: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_endpoint: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introspection_endpoint: Option<Url>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes_supported: Vec<String>,
    /// The client authentications the token endpoint accepts (`client_secret_basic`, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub token_endpoint_auth_methods_supported: Vec<String>,
    /// RFC 9126.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pushed_authorization_request_endpoint: Option<Url>,
    /// RFC 9126: the provider takes authorization requests only through PAR.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub require_pushed_authorization_requests: bool,
    /// RFC 9207: the provider sends `iss` with every authorization response.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub authorization_response_iss_parameter_supported: bool,
    /// RFC 9449: the algorithms the provider takes DPoP proofs in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dpop_signing_alg_values_supported: Vec<String>,
    /// RFC 9101 §10.5: the provider takes authorization requests only as signed
    /// request objects.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub require_signed_request_object: bool,
}

/// The endpoints of a service after merging explicit settings with discovery.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedEndpoints {
    pub authorization: Option<Url>,
    pub token: Url,
    pub device_authorization: Option<Url>,
    pub revocation: Option<Url>,
    /// Token introspection (RFC 7662).
    pub introspection: Option<Url>,
    /// Where refresh requests go (the token endpoint unless configured otherwise).
    pub refresh: Url,
    pub app_token: Option<Url>,
    /// The issuer identifier: as the provider's metadata spells it, else as configured.
    pub issuer: Option<String>,
    /// The pushed authorization request endpoint (RFC 9126), from the metadata.
    pub par: Option<Url>,
    /// Whether the provider requires pushed authorization requests.
    pub par_required: bool,
    /// Whether the provider sends `iss` with authorization responses (RFC 9207).
    pub iss_in_response: bool,
    /// The DPoP proof algorithms the provider takes (RFC 9449), from the metadata.
    pub dpop_algs: Vec<String>,
    /// Whether the provider requires signed request objects (RFC 9101).
    pub request_object_required: bool,
}

impl ResolvedEndpoints {
    /// The authorization endpoint, or a clear error naming what to configure.
    pub fn authorization(&self) -> Result<&Url> {
        self.authorization.as_ref().ok_or_else(|| {
            Error::Config(
                "the provider has no authorization endpoint: set endpoints.authorization".into(),
            )
        })
    }

    /// The device authorization endpoint, or a clear error.
    pub fn device_authorization(&self) -> Result<&Url> {
        self.device_authorization.as_ref().ok_or_else(|| {
            Error::Config("the provider has no device authorization endpoint: it may not support the device flow; set endpoints.device_authorization or use another flow".into())
        })
    }
}

#[derive(Serialize, Deserialize)]
struct CacheEntry {
    fetched_at: i64,
    metadata: ProviderMetadata,
}

/// Resolves a service's endpoints: explicit ones as configured, the rest from the
/// issuer's metadata (cached). Fetches only when an endpoint the flow may use is missing.
pub async fn resolve(
    http: &HttpClient,
    cache_dir: &Path,
    service_id: &ServiceId,
    service: &Service,
    now: i64,
) -> Result<ResolvedEndpoints> {
    let explicit = &service.endpoints;
    let flow_needs_more = match service.flow {
        Flow::AuthCode => explicit.authorization.is_none(),
        Flow::Device => explicit.device_authorization.is_none(),
        Flow::ClientCredentials | Flow::Password | Flow::Bearer | Flow::ApiKey => false,
    };
    // `dpop = "auto"` decides from the metadata (`dpop.rs`).
    let missing = explicit.token.is_none()
        || flow_needs_more
        || explicit.revocation.is_none()
        || explicit.introspection.is_none()
        || service.dpop == crate::config::DpopMode::Auto;
    let metadata = match (&service.issuer, missing) {
        (Some(issuer), true) => {
            Some(cached_metadata(http, cache_dir, service_id, issuer, now).await?)
        }
        _ => None,
    };
    let pick = |explicit: &Option<HttpUrl>, discovered: Option<&Url>| {
        explicit
            .as_ref()
            .map(|u| u.url().clone())
            .or_else(|| discovered.cloned())
    };
    let m = metadata.as_ref();
    let token = pick(&explicit.token, m.and_then(|m| m.token_endpoint.as_ref())).ok_or_else(|| {
        Error::Config(format!(
            "service '{service_id}' has no token endpoint: the issuer's metadata lists none; set endpoints.token"
        ))
    })?;
    Ok(ResolvedEndpoints {
        authorization: pick(
            &explicit.authorization,
            m.and_then(|m| m.authorization_endpoint.as_ref()),
        ),
        device_authorization: pick(
            &explicit.device_authorization,
            m.and_then(|m| m.device_authorization_endpoint.as_ref()),
        ),
        revocation: pick(
            &explicit.revocation,
            m.and_then(|m| m.revocation_endpoint.as_ref()),
        ),
        introspection: pick(
            &explicit.introspection,
            m.and_then(|m| m.introspection_endpoint.as_ref()),
        ),
        refresh: explicit
            .refresh
            .as_ref()
            .map_or_else(|| token.clone(), |u| u.url().clone()),
        app_token: explicit.app_token.as_ref().map(|u| u.url().clone()),
        token,
        issuer: m
            .map(|m| m.issuer.clone())
            .or_else(|| service.issuer.as_ref().map(|i| i.as_str().to_owned())),
        par: m.and_then(|m| m.pushed_authorization_request_endpoint.clone()),
        par_required: m.is_some_and(|m| m.require_pushed_authorization_requests),
        iss_in_response: m.is_some_and(|m| m.authorization_response_iss_parameter_supported),
        dpop_algs: m
            .map(|m| m.dpop_signing_alg_values_supported.clone())
            .unwrap_or_default(),
        request_object_required: m.is_some_and(|m| m.require_signed_request_object),
    })
}

async fn cached_metadata(
    http: &HttpClient,
    cache_dir: &Path,
    service_id: &ServiceId,
    issuer: &HttpUrl,
    now: i64,
) -> Result<ProviderMetadata> {
    let path = cache_file(cache_dir, service_id);
    if let Ok(bytes) = std::fs::read(&path) {
        if let Ok(entry) = serde_json::from_slice::<CacheEntry>(&bytes) {
            let fresh = (0..CACHE_TTL_SECS).contains(&(now - entry.fetched_at));
            if fresh && same_issuer(&entry.metadata.issuer, issuer.as_str()) {
                return Ok(entry.metadata);
            }
        }
    }
    let metadata = discover(http, issuer.url()).await?;
    let entry = CacheEntry {
        fetched_at: now,
        metadata: metadata.clone(),
    };
    if let Ok(bytes) = serde_json::to_vec_pretty(&entry) {
        // A cache that cannot be written only costs a fetch next time.
        if let Err(e) = paths::write_atomic(&path, &bytes) {
            tracing::warn!("could not cache provider metadata: {e}");
        }
    }
    Ok(metadata)
}

fn cache_file(cache_dir: &Path, service_id: &ServiceId) -> PathBuf {
    cache_dir
        .join("discovery")
        .join(format!("{service_id}.json"))
}

/// Forgets the cached metadata of a service (after its config changed).
pub fn forget(cache_dir: &Path, service_id: &ServiceId) {
    let _ = std::fs::remove_file(cache_file(cache_dir, service_id));
}

/// Fetches the metadata of `issuer`: OpenID Connect Discovery first, then RFC 8414.
pub async fn discover(http: &HttpClient, issuer: &Url) -> Result<ProviderMetadata> {
    let mut failures = Vec::new();
    for url in metadata_urls(issuer) {
        let resp = http
            .send(
                http.request(reqwest::Method::GET, &url),
                "the discovery endpoint",
            )
            .await?;
        if !resp.is_success() {
            failures.push(format!("{url} answered HTTP {}", resp.status));
            continue;
        }
        let metadata: ProviderMetadata = serde_json::from_slice(&resp.body).map_err(|e| {
            Error::Provider(format!(
                "the provider metadata at {url} is not valid discovery JSON ({e}); check the issuer URL"
            ))
        })?;
        if !same_issuer(&metadata.issuer, issuer.as_str()) {
            return Err(Error::Provider(format!(
                "the metadata at {url} is for issuer '{}', not '{issuer}': check the issuer URL (it must match exactly)",
                metadata.issuer
            )));
        }
        return Ok(metadata);
    }
    Err(Error::Provider(format!(
        "no provider metadata found for issuer {issuer} ({}): check the issuer URL, or configure the endpoints explicitly",
        failures.join("; ")
    )))
}

/// The well-known URLs to try, in order.
pub fn metadata_urls(issuer: &Url) -> Vec<Url> {
    let base = issuer.as_str().trim_end_matches('/');
    let path = issuer.path().trim_end_matches('/');
    let mut origin = issuer.clone();
    origin.set_query(None);
    origin.set_fragment(None);
    let mut urls = Vec::new();
    let mut push = |s: String| {
        if let Ok(u) = Url::parse(&s) {
            if !urls.contains(&u) {
                urls.push(u);
            }
        }
    };
    push(format!("{base}/.well-known/openid-configuration"));
    let root = origin.origin().ascii_serialization();
    push(format!(
        "{root}/.well-known/oauth-authorization-server{path}"
    ));
    push(format!("{base}/.well-known/oauth-authorization-server"));
    urls
}

/// Whether two issuer identifiers are the same (a trailing slash aside, which URL
/// parsing adds to a bare origin).
pub fn same_issuer(a: &str, b: &str) -> bool {
    a.trim_end_matches('/') == b.trim_end_matches('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_urls() {
        let urls = |s: &str| -> Vec<String> {
            metadata_urls(&Url::parse(s).expect("url"))
                .into_iter()
                .map(String::from)
                .collect()
        };
        assert_eq!(
            urls("https://id.test"),
            vec![
                "https://id.test/.well-known/openid-configuration",
                "https://id.test/.well-known/oauth-authorization-server"
            ]
        );
        assert_eq!(
            urls("https://id.test/realms/x/"),
            vec![
                "https://id.test/realms/x/.well-known/openid-configuration",
                "https://id.test/.well-known/oauth-authorization-server/realms/x",
                "https://id.test/realms/x/.well-known/oauth-authorization-server"
            ]
        );
    }
}
