//! The one HTTP client Authdeck talks to providers with.
//!
//! It never follows redirects (a redirect from a token endpoint is an error, not a
//! hint: following it could leak credentials to another host, see the oauth2 crate's
//! SSRF note), has a connect and an overall timeout, and reads at most
//! [`MAX_BODY`] bytes of a response.

use std::time::Duration;

use crate::error::{Error, Result};

/// The largest response body Authdeck reads (token and metadata responses are small).
pub const MAX_BODY: usize = 1024 * 1024;

/// Default overall timeout of a request; `AUTHDECK_HTTP_TIMEOUT` (seconds) overrides it.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A response whose body has been read (up to the cap).
#[derive(Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
    /// The `DPoP-Nonce` header (RFC 9449 §8): a server's nonce for the next DPoP proofs.
    pub dpop_nonce: Option<String>,
}

impl HttpResponse {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// A 5xx: the server failed on its side.
    pub fn is_server_error(&self) -> bool {
        (500..600).contains(&self.status)
    }

    /// Whether the body claims to be JSON (or claims nothing and looks like JSON).
    pub fn looks_like_json(&self) -> bool {
        match &self.content_type {
            Some(ct) => {
                let ct = ct.to_ascii_lowercase();
                ct.contains("json")
            }
            None => self.body.first().is_some_and(|b| *b == b'{'),
        }
    }
}

/// The shared HTTP client.
#[derive(Debug, Clone)]
pub struct HttpClient {
    inner: reqwest::Client,
    timeout: Duration,
}

impl HttpClient {
    /// A client with the given overall timeout.
    pub fn new(timeout: Duration) -> Result<Self> {
        let inner = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .timeout(timeout)
            .user_agent(concat!("authdeck/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Local(format!("could not set up the HTTP client: {e}")))?;
        Ok(HttpClient { inner, timeout })
    }

    /// A client with the timeout from `AUTHDECK_HTTP_TIMEOUT`, else the default.
    pub fn from_env() -> Result<Self> {
        let timeout = match std::env::var("AUTHDECK_HTTP_TIMEOUT") {
            Ok(v) => v
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|s| s.is_finite() && *s > 0.0)
                .map(Duration::from_secs_f64)
                .ok_or_else(|| {
                    Error::Config(format!(
                        "AUTHDECK_HTTP_TIMEOUT='{v}' is not a positive number of seconds"
                    ))
                })?,
            Err(_) => DEFAULT_TIMEOUT,
        };
        Self::new(timeout)
    }

    /// The underlying client, to build requests with.
    pub fn request(&self, method: reqwest::Method, url: &url::Url) -> reqwest::RequestBuilder {
        self.inner.request(method, url.clone())
    }

    /// Sends `req` and reads the body, up to [`MAX_BODY`]. `what` names the endpoint
    /// in error messages ("the token endpoint").
    pub async fn send(&self, req: reqwest::RequestBuilder, what: &str) -> Result<HttpResponse> {
        self.send_capped(req, what, MAX_BODY).await
    }

    /// Like [`HttpClient::send`], reading at most `cap` bytes (for the rare response that
    /// is legitimately bigger than a token response, such as an OpenAPI document).
    pub async fn send_capped(
        &self,
        req: reqwest::RequestBuilder,
        what: &str,
        cap: usize,
    ) -> Result<HttpResponse> {
        let mut resp = req.send().await.map_err(|e| self.describe(&e, what))?;
        let status = resp.status().as_u16();
        let content_type = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let dpop_nonce = resp
            .headers()
            .get(crate::dpop::NONCE_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        if resp.content_length().is_some_and(|n| n > cap as u64) {
            return Err(too_large(what, cap));
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.describe(&e, what))? {
            if body.len() + chunk.len() > cap {
                return Err(too_large(what, cap));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(HttpResponse {
            status,
            content_type,
            body,
            dpop_nonce,
        })
    }

    fn describe(&self, e: &reqwest::Error, what: &str) -> Error {
        let place = e
            .url()
            .map(origin)
            .unwrap_or_else(|| "the provider".to_owned());
        if e.is_timeout() {
            return Error::Network(format!(
                "{what} at {place} did not answer within {}: the provider is slow or unreachable; try again later",
                human_duration(self.timeout)
            ));
        }
        // The source chain says "connection refused", "dns error", "invalid peer certificate"…
        let mut cause = String::new();
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            cause = s.to_string();
            source = s.source();
        }
        if cause.is_empty() {
            // reqwest's own text quotes the whole URL, query string included (where
            // some providers want the client secret or a refresh token): never show it.
            cause = e.without_url_text();
        }
        let hint = if e.is_connect() {
            "check the URL and your network"
        } else {
            "the connection broke; try again"
        };
        Error::Network(format!(
            "could not reach {what} at {place}: {cause} ({hint})"
        ))
    }
}

/// `scheme://host:port` of `url`: no user info, path or query (they may carry secrets).
pub fn origin(url: &url::Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{}://{host}:{port}", url.scheme()),
        (Some(host), None) => format!("{}://{host}", url.scheme()),
        _ => url.scheme().to_owned(),
    }
}

/// reqwest errors' text without the URL they carry.
trait WithoutUrlText {
    fn without_url_text(&self) -> String;
}

impl WithoutUrlText for reqwest::Error {
    fn without_url_text(&self) -> String {
        let text = self.to_string();
        match self.url() {
            Some(url) => text
                .replace(&format!(" for url ({url})"), "")
                .replace(url.as_str(), "the URL"),
            None => text,
        }
    }
}

fn too_large(what: &str, cap: usize) -> Error {
    if cap == MAX_BODY {
        Error::Provider(format!(
            "{what} sent a response larger than {} KiB, which is not a valid OAuth answer; check the configured URL",
            MAX_BODY / 1024
        ))
    } else {
        Error::Provider(format!(
            "{what} is larger than {} KiB, Authdeck's limit for it; check the URL",
            cap / 1024
        ))
    }
}

/// "5 min", "30 s", "1.5 s".
pub fn human_duration(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs >= 60.0 && d.as_secs() % 60 == 0 {
        format!("{} min", d.as_secs() / 60)
    } else if secs >= 1.0 && d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{secs:.1} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_drops_user_info_path_and_query() {
        let url = url::Url::parse("https://id:pw-secret@id.test:8443/t?client_secret=s3cr3t")
            .expect("url");
        assert_eq!(origin(&url), "https://id.test:8443");
    }
}
