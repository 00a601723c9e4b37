//! `<base>/openapi.json` and `<base>/docs`: the service's OpenAPI document rewritten for
//! the proxy (`spec.rs`) and a Swagger UI page for it, so "Try it out" works without an
//! "Authorize" step. Swagger UI's files come from the `swagger-ui-dist` crate, inside the
//! binary: the page works offline. The page sets no online validator (Swagger UI would
//! otherwise call one) and runs no inline script (its CSP says so).

use std::sync::Arc;

use bytes::Bytes;
use http::{header, HeaderValue, Response, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use tokio::sync::Mutex;
use url::Url;

use super::body::{self, ProxyBody};
use super::spec;
use crate::http::HttpClient;
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
    ui: swagger_ui_dist_router::Assets,
}

impl Docs {
    pub fn new(service: String, candidates: Vec<Url>) -> Self {
        Docs {
            candidates,
            service,
            found: Mutex::new(None),
            ui: swagger_ui_dist_router::Assets::new(),
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

    /// The Swagger UI page (`<base>/docs`), its start script and Swagger UI's files.
    /// `rest` is the path after the base; `None` when it is none of these.
    pub async fn ui(&self, rest: &str, base_path: &str) -> Option<Response<ProxyBody>> {
        let (content_type, body) = match rest {
            "/docs" => (
                "text/html; charset=utf-8",
                body::full(page(&self.service, base_path)),
            ),
            "/docs/start.js" => (
                "text/javascript; charset=utf-8",
                body::full(Bytes::from_static(START_JS.as_bytes())),
            ),
            "/docs/swagger-ui.css" | "/docs/swagger-ui-bundle.js" => {
                return self.ui.get(rest).await;
            }
            _ => return None,
        };
        let mut resp = Response::new(body);
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

/// Swagger UI's files as the `swagger-ui-dist` crate hands them out (as axum routes,
/// under `/docs`).
mod swagger_ui_dist_router {
    use super::*;

    pub struct Assets(axum::Router);

    impl std::fmt::Debug for Assets {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("Assets")
        }
    }

    impl Assets {
        pub fn new() -> Self {
            Assets(swagger_ui_dist::generate_routes(
                swagger_ui_dist::ApiDefinition {
                    uri_prefix: "/docs",
                    api_definition: swagger_ui_dist::OpenApiSource::Uri("openapi.json"),
                    title: None,
                },
            ))
        }

        /// The file at `path` (`/docs/swagger-ui.css`, …).
        pub async fn get(&self, path: &str) -> Option<Response<ProxyBody>> {
            let req = http::Request::get(path)
                .body(http_body_util::Empty::<Bytes>::new())
                .ok()?;
            let mut router = self.0.clone();
            let resp = tower_service::Service::call(&mut router, req).await.ok()?;
            if resp.status() != StatusCode::OK {
                return None;
            }
            let (mut parts, body) = resp.into_parts();
            parts.headers.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("max-age=3600"),
            );
            let body = body
                .map_err(|e| Box::new(e) as body::BoxError)
                .boxed_unsync();
            Some(Response::from_parts(parts, body))
        }
    }
}
