//! The service's OpenAPI document as the proxy serves it at `<base>/openapi.json`: its
//! servers point at the proxy, and its security requirements and schemes are gone (the
//! proxy satisfies them), so Swagger UI has no "Authorize" step at all. Where the
//! document is looked for is decided here too. Pure.

use serde_json::{Map, Value};
use url::Url;

/// The HTTP methods of an OpenAPI path item.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// How many places up from the docs page are tried for an `openapi.json`.
const LEVELS_UP: usize = 4;

/// The URLs the document may be at, most likely first: `explicit` (given by the user),
/// the docs URL itself when it names a JSON or YAML file, `openapi.json` beside the docs
/// page and in the directories above it (FastAPI serves `/docs` next to `/openapi.json`,
/// also under a prefix), and `openapi.json` under the API base.
pub fn candidates(explicit: Option<&Url>, docs_url: Option<&Url>, api_base: &Url) -> Vec<Url> {
    let mut out: Vec<Url> = Vec::new();
    let mut push = |u: Url| {
        if !out.contains(&u) {
            out.push(u);
        }
    };
    if let Some(u) = explicit {
        push(u.clone());
        return out;
    }
    if let Some(docs) = docs_url {
        let path = docs.path().to_ascii_lowercase();
        if [".json", ".yaml", ".yml"]
            .iter()
            .any(|ext| path.ends_with(ext))
        {
            push(docs.clone());
        }
        let mut dir = docs.clone();
        dir.set_query(None);
        dir.set_fragment(None);
        let mut dir = dir.join(".").ok();
        for _ in 0..LEVELS_UP {
            let Some(here) = dir.take() else { break };
            if let Ok(u) = here.join("openapi.json") {
                push(u);
            }
            dir = here.join("..").ok().filter(|up| *up != here);
        }
    }
    let mut base = api_base.clone();
    if !base.path().ends_with('/') {
        base.set_path(&format!("{}/", base.path()));
    }
    if let Ok(u) = base.join("openapi.json") {
        push(u);
    }
    out
}

/// Parses a document (JSON or YAML) that claims to be OpenAPI 3 or Swagger 2.
pub fn parse(text: &str) -> Option<Value> {
    let value: Value = serde_json::from_str(text)
        .ok()
        .or_else(|| serde_yaml_ng::from_str(text).ok())?;
    let is_doc = value.get("openapi").is_some() || value.get("swagger").is_some();
    (value.is_object() && is_doc).then_some(value)
}

/// `doc` (fetched from `doc_url`) rewritten for the proxy at `proxy_base` (ending in `/`,
/// absolute, or `/` alone on a Unix socket) in front of `api_base`.
pub fn rewrite(mut doc: Value, doc_url: &Url, api_base: &Url, proxy_base: &str) -> Value {
    let Some(root) = doc.as_object_mut() else {
        return doc;
    };
    root.remove("security");
    if let Some(components) = root.get_mut("components").and_then(Value::as_object_mut) {
        components.remove("securitySchemes");
    }
    root.remove("securityDefinitions");
    if let Some(paths) = root.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for method in METHODS {
                if let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) {
                    op.remove("security");
                    if let Some(servers) = op.get_mut("servers") {
                        *servers = servers_for(servers, doc_url, api_base, proxy_base);
                    }
                }
            }
            if let Some(servers) = item.get_mut("servers") {
                *servers = servers_for(servers, doc_url, api_base, proxy_base);
            }
        }
    }
    if root.contains_key("swagger") {
        swagger2_base(root, doc_url, api_base, proxy_base);
    } else {
        let servers = root.remove("servers").unwrap_or(Value::Array(Vec::new()));
        root.insert(
            "servers".into(),
            servers_for(&servers, doc_url, api_base, proxy_base),
        );
    }
    doc
}

/// A `servers` list pointing at the proxy: each server under the API base becomes the
/// same place under the proxy; when none is, the proxy base alone.
fn servers_for(servers: &Value, doc_url: &Url, api_base: &Url, proxy_base: &str) -> Value {
    let mut out: Vec<Value> = Vec::new();
    for server in servers.as_array().into_iter().flatten() {
        let Some(url) = server.get("url").and_then(Value::as_str) else {
            continue;
        };
        let url = with_defaults(url, server.get("variables"));
        let Some(mapped) = under_proxy(&url, doc_url, api_base, proxy_base) else {
            continue;
        };
        let mut entry = Map::new();
        entry.insert("url".into(), Value::String(mapped));
        if let Some(d) = server.get("description") {
            entry.insert("description".into(), d.clone());
        }
        let entry = Value::Object(entry);
        if !out.contains(&entry) {
            out.push(entry);
        }
    }
    if out.is_empty() {
        out.push(serde_json::json!({ "url": proxy_base }));
    }
    Value::Array(out)
}

/// A server URL with its `{variables}` replaced by their defaults.
fn with_defaults(url: &str, variables: Option<&Value>) -> String {
    let mut url = url.to_owned();
    for (name, var) in variables.and_then(Value::as_object).into_iter().flatten() {
        if let Some(default) = var.get("default").and_then(Value::as_str) {
            url = url.replace(&format!("{{{name}}}"), default);
        }
    }
    url
}

/// `server` (relative to the document's URL) as a URL under the proxy, when it lies under
/// the API base.
fn under_proxy(server: &str, doc_url: &Url, api_base: &Url, proxy_base: &str) -> Option<String> {
    let url = doc_url.join(server).ok()?;
    if url.origin() != api_base.origin() {
        return None;
    }
    let base = api_base.path().trim_end_matches('/');
    let rest = url.path().strip_prefix(base)?;
    if !(rest.is_empty() || rest.starts_with('/')) {
        return None;
    }
    let rest = rest.trim_matches('/');
    Some(if rest.is_empty() {
        proxy_base.trim_end_matches('/').to_owned()
    } else {
        format!("{proxy_base}{rest}")
    })
    .map(|s| if s.is_empty() { "/".to_owned() } else { s })
}

/// Swagger 2.0: `host`, `basePath` and `schemes` of the proxy.
fn swagger2_base(root: &mut Map<String, Value>, doc_url: &Url, api_base: &Url, proxy_base: &str) {
    let scheme = root
        .get("schemes")
        .and_then(|s| s.get(0))
        .and_then(Value::as_str)
        .unwrap_or(doc_url.scheme())
        .to_owned();
    let host = root
        .get("host")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| {
            doc_url.host_str().map(|h| match doc_url.port() {
                Some(p) => format!("{h}:{p}"),
                None => h.to_owned(),
            })
        })
        .unwrap_or_default();
    let base_path = root.get("basePath").and_then(Value::as_str).unwrap_or("/");
    let original = format!("{scheme}://{host}{base_path}");
    let mapped = under_proxy(&original, doc_url, api_base, proxy_base)
        .unwrap_or_else(|| proxy_base.to_owned());
    match Url::parse(&mapped) {
        Ok(u) => {
            let host = match u.port() {
                Some(p) => format!("{}:{p}", u.host_str().unwrap_or_default()),
                None => u.host_str().unwrap_or_default().to_owned(),
            };
            root.insert("host".into(), Value::String(host));
            root.insert("basePath".into(), Value::String(u.path().to_owned()));
            root.insert("schemes".into(), serde_json::json!([u.scheme()]));
        }
        Err(_) => {
            root.remove("host");
            root.remove("schemes");
            root.insert("basePath".into(), Value::String(mapped));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const PROXY: &str = "http://127.0.0.1:9/KEY/";

    fn url(s: &str) -> Url {
        Url::parse(s).expect("test value")
    }

    #[test]
    fn openapi3_points_at_the_proxy_without_security() {
        let doc = json!({
            "openapi": "3.0.3",
            "servers": [{"url": "https://h.example/nomad/api/v1", "description": "prod"},
                        {"url": "https://other.example/v1"}],
            "security": [{"oauth2": []}],
            "paths": {"/uploads": {"get": {"security": [{"HTTPBearer": []}], "responses": {}},
                                   "parameters": []}},
            "components": {"securitySchemes": {"HTTPBearer": {"type": "http"}},
                           "schemas": {"A": {}}}
        });
        let out = rewrite(
            doc,
            &url("https://h.example/nomad/openapi.json"),
            &url("https://h.example/nomad/api"),
            PROXY,
        );
        assert_eq!(
            out["servers"],
            json!([{"url": "http://127.0.0.1:9/KEY/v1", "description": "prod"}])
        );
        assert!(out.get("security").is_none());
        assert!(out["paths"]["/uploads"]["get"].get("security").is_none());
        assert!(out["components"].get("securitySchemes").is_none());
        assert_eq!(out["components"]["schemas"], json!({"A": {}}));
    }

    #[test]
    fn relative_missing_or_templated_servers_are_resolved() {
        let api = url("https://h.example/api");
        let doc_url = url("https://h.example/api/openapi.json");
        let r = |servers: Value| {
            let doc = json!({"openapi": "3.1.0", "servers": servers, "paths": {}});
            rewrite(doc, &doc_url, &api, PROXY)["servers"].clone()
        };
        assert_eq!(
            r(json!([{"url": "/api"}])),
            json!([{"url": "http://127.0.0.1:9/KEY"}])
        );
        assert_eq!(r(json!([])), json!([{"url": PROXY}]));
        assert_eq!(
            r(json!([{"url": "https://{host}/api/{v}",
                      "variables": {"host": {"default": "h.example"}, "v": {"default": "v2"}}}])),
            json!([{"url": "http://127.0.0.1:9/KEY/v2"}])
        );
        let doc = json!({"openapi": "3.0.0", "paths": {}});
        assert_eq!(
            rewrite(doc, &doc_url, &api, "/")["servers"],
            json!([{"url": "/"}])
        );
    }

    #[test]
    fn swagger2_gets_the_proxy_host_and_base_path() {
        let doc = json!({
            "swagger": "2.0", "host": "h.example", "basePath": "/api/v1", "schemes": ["https"],
            "securityDefinitions": {"k": {"type": "apiKey"}}, "security": [{"k": []}],
            "paths": {}
        });
        let out = rewrite(
            doc,
            &url("https://h.example/swagger.json"),
            &url("https://h.example/api"),
            PROXY,
        );
        assert_eq!(out["host"], "127.0.0.1:9");
        assert_eq!(out["basePath"], "/KEY/v1");
        assert_eq!(out["schemes"], json!(["http"]));
        assert!(out.get("securityDefinitions").is_none() && out.get("security").is_none());
    }

    #[test]
    fn the_document_is_looked_for_beside_and_above_the_docs_page() {
        let list = |docs: Option<&str>, api: &str| -> Vec<String> {
            let docs = docs.map(url);
            candidates(None, docs.as_ref(), &url(api))
                .into_iter()
                .map(String::from)
                .collect()
        };
        assert_eq!(
            list(
                Some("https://h.example/api/v1/extensions/docs"),
                "https://h.example/api"
            ),
            [
                "https://h.example/api/v1/extensions/openapi.json",
                "https://h.example/api/v1/openapi.json",
                "https://h.example/api/openapi.json",
                "https://h.example/openapi.json",
            ]
        );
        assert_eq!(
            list(Some("https://h.example/spec.yaml"), "https://h.example/x"),
            [
                "https://h.example/spec.yaml",
                "https://h.example/openapi.json",
                "https://h.example/x/openapi.json"
            ]
        );
        assert_eq!(
            list(None, "https://h.example/x/"),
            ["https://h.example/x/openapi.json"]
        );
        let explicit = url("https://h.example/my.json");
        assert_eq!(
            candidates(Some(&explicit), None, &url("https://h.example/")),
            [explicit]
        );
    }

    #[test]
    fn only_openapi_documents_parse() {
        assert!(parse("{\"openapi\": \"3.0.0\"}").is_some());
        assert!(parse("swagger: '2.0'\npaths: {}\n").is_some());
        assert!(parse("{\"title\": 1}").is_none());
        assert!(parse("<html>").is_none());
    }
}
