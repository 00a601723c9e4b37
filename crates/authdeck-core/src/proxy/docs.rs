//! `<base>/openapi.json` and `<base>/docs`: the service's OpenAPI document rewritten for
//! the proxy (`spec.rs`) and a Swagger UI page for it, so "Try it out" works without an
//! "Authorize" step. Swagger UI's files are read from a directory (`swagger_ui.rs`): the
//! page works offline. Without them `/docs` is a short page that says so, where they were
//! looked for, and links the document (which any Swagger UI on a loopback origin can
//! load: `cors.rs`). Neither page sets an online validator (Swagger UI would otherwise
//! call one) nor runs an inline script (their CSP says so).

use std::sync::Arc;

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderValue};
use http::{Response, StatusCode};
use serde_json::Value;
use tokio::sync::Mutex;
use url::Url;

use super::body::{self, ProxyBody};
use super::spec;
use super::swagger_ui::UiDir;
use crate::http::HttpClient;
use crate::loopback::escape_html;
use crate::openapi::{self, Source};

/// The page's policy: our files only; Swagger UI styles elements inline.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; connect-src 'self'; font-src 'self' data:; base-uri 'none'; \
form-action 'self'; frame-ancestors 'none'";

/// Where the document may be, and the document once found.
#[derive(Debug)]
pub struct Docs {
    candidates: Vec<Url>,
    service: String,
    found: Mutex<Option<(Url, Arc<Value>)>>,
    ui: UiDir,
}

impl Docs {
    pub fn new(service: String, candidates: Vec<Url>) -> Self {
        Docs {
            candidates,
            service,
            found: Mutex::new(None),
            ui: UiDir::locate(),
        }
    }

    /// The document rewritten for the proxy at `proxy_base` in front of `api_base`, or a
    /// 502 saying where it was looked for.
    pub async fn spec(
        &self,
        http: &HttpClient,
        api_base: &Url,
        proxy_base: &str,
    ) -> Response<ProxyBody> {
        let mut found = self.found.lock().await;
        if found.is_none() {
            *found = self.find(http).await;
        }
        let Some((url, doc)) = found.as_ref() else {
            let tried: Vec<&str> = self.candidates.iter().map(Url::as_str).collect();
            return body::json_error(
                StatusCode::BAD_GATEWAY,
                "no_openapi_document",
                &format!(
                    "found no OpenAPI document for '{}' (looked at {}); set the service's docs URL (`docs_url` in services.toml) to the document's own URL",
                    self.service,
                    tried.join(", ")
                ),
                None,
            );
        };
        let rewritten = spec::rewrite(Value::clone(doc), url, api_base, proxy_base);
        let text = serde_json::to_vec(&rewritten).unwrap_or_default();
        let mut resp = Response::new(body::full(Bytes::from(text)));
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        resp.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        resp
    }

    /// The first candidate that answers with an OpenAPI document.
    async fn find(&self, http: &HttpClient) -> Option<(Url, Arc<Value>)> {
        for url in &self.candidates {
            match openapi::fetch(http, &Source::Url(url.clone())).await {
                Ok(fetched) => {
                    if let Some(doc) = spec::parse(&fetched.text) {
                        return Some((url.clone(), Arc::new(doc)));
                    }
                    tracing::debug!("proxy: {} is not an OpenAPI document", url.path());
                }
                Err(e) => tracing::debug!("proxy: no OpenAPI document at {}: {e}", url.path()),
            }
        }
        None
    }

    /// The Swagger UI page (`<base>/docs`), its start script and Swagger UI's files
    /// (`<base>/docs/<name>`); any other path under `<base>/docs/` is a bare 404.
    /// `rest` is the path after the base; `None` when it is not under `/docs`.
    pub async fn ui(
        &self,
        rest: &str,
        base_path: &str,
        request: &HeaderMap,
    ) -> Option<Response<ProxyBody>> {
        let (content_type, body, status) = match rest {
            "/docs" => {
                if self.ui.complete().await {
                    let page = page(&self.service, base_path);
                    ("text/html; charset=utf-8", body::full(page), StatusCode::OK)
                } else {
                    let page = missing_page(&self.ui.describe(), base_path);
                    (
                        "text/html; charset=utf-8",
                        body::full(page),
                        StatusCode::NOT_FOUND,
                    )
                }
            }
            "/docs/start.js" => (
                "text/javascript; charset=utf-8",
                body::full(Bytes::from_static(START_JS.as_bytes())),
                StatusCode::OK,
            ),
            _ => {
                let name = rest.strip_prefix("/docs/")?;
                return Some(self.ui.serve(name, request).await);
            }
        };
        let mut resp = Response::new(body);
        *resp.status_mut() = status;
        let h = resp.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
        Some(resp)
    }
}

/// Starts Swagger UI on the document beside the page (`openapi.json`), no validator.
const START_JS: &str = "window.addEventListener('load', function () {\n\
  window.ui = SwaggerUIBundle({\n\
    url: document.body.dataset.spec,\n\
    dom_id: '#swagger-ui',\n\
    validatorUrl: null,\n\
    deepLinking: false,\n\
    presets: [SwaggerUIBundle.presets.apis],\n\
  });\n\
});\n";

/// The page, its links absolute under `base_path` (`/<key>/`).
fn page(service: &str, base_path: &str) -> Bytes {
    let title: String = service
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    Bytes::from(format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title} API — Authdeck proxy</title>\
<link rel=\"stylesheet\" href=\"{base_path}docs/swagger-ui.css\"></head>\
<body data-spec=\"{base_path}openapi.json\"><div id=\"swagger-ui\"></div>\
<script src=\"{base_path}docs/swagger-ui-bundle.js\"></script>\
<script src=\"{base_path}docs/start.js\"></script></body></html>\n"
    ))
}

/// The page when Swagger UI's files are missing: what is missing, where it was looked
/// for, and the document's link.
fn missing_page(looked_in: &str, base_path: &str) -> Bytes {
    let looked_in = escape_html(looked_in);
    let env = super::swagger_ui::DIR_ENV;
    Bytes::from(format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>Swagger UI is not installed — Authdeck proxy</title></head><body>\
<h1>Swagger UI is not installed</h1>\
<p>The proxy serves Swagger UI from its files <code>swagger-ui-bundle.js</code> and \
<code>swagger-ui.css</code> (or the same with <code>.gz</code>), which are not in \
<code>{looked_in}</code>.</p>\
<p>Install Authdeck's package (it puts them in <code>/usr/share/authdeck/swagger-ui</code>), \
or set <code>{env}</code> to a directory that holds them, such as the \
<code>swagger-ui-dist</code> npm package's, and reload this page.</p>\
<p>The API's OpenAPI document is at <a href=\"{base_path}openapi.json\">openapi.json</a>: \
any Swagger UI served from <code>http://localhost</code> or <code>http://127.0.0.1</code> \
can load it from this proxy.</p></body></html>\n"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_missing_page_escapes_the_directory_and_links_the_document() {
        let page = missing_page("/tmp/<x>&\"y\"", "/KEY/");
        let text = String::from_utf8_lossy(&page);
        assert!(text.contains("/tmp/&lt;x&gt;&amp;&quot;y&quot;"), "{text}");
        assert!(text.contains("href=\"/KEY/openapi.json\""), "{text}");
        assert!(!text.contains("<script"), "{text}");
    }
}
