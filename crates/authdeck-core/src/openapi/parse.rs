//! The pure parser: document text in, [`ApiDoc`] out. No I/O, no panics.

use serde::Deserialize;
use serde_json::{Map, Value};
use url::Url;

use super::{
    ApiDoc, Grant, OAuthFlow, SchemeKind, Scope, SecurityScheme, SpecVersion, MAX_DOCUMENT,
};
use crate::config::{HttpUrl, KeyLocation};
use crate::error::{Error, Result};

/// At most this many security schemes and scopes per flow are read.
const MAX_SCHEMES: usize = 64;
const MAX_SCOPES: usize = 512;

/// The parts of a document Authdeck reads; everything else is skipped unread.
#[derive(Deserialize)]
struct RawDoc {
    openapi: Option<Value>,
    swagger: Option<Value>,
    info: Option<Value>,
    servers: Option<Value>,
    host: Option<Value>,
    #[serde(rename = "basePath")]
    base_path: Option<Value>,
    schemes: Option<Value>,
    components: Option<RawComponents>,
    #[serde(rename = "securityDefinitions")]
    security_definitions: Option<Ordered>,
    #[serde(rename = "externalDocs")]
    external_docs: Option<Value>,
}

#[derive(Deserialize)]
struct RawComponents {
    #[serde(rename = "securitySchemes")]
    security_schemes: Option<Ordered>,
}

/// A map read in the document's order (schemes are proposed in that order), at most
/// [`MAX_SCHEMES`] entries kept; anything but a map reads as empty.
struct Ordered(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map of security schemes")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Ordered, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Value>()? {
                    if out.len() < MAX_SCHEMES {
                        out.push((k, v));
                    }
                }
                Ok(Ordered(out))
            }
            fn visit_unit<E: serde::de::Error>(self) -> std::result::Result<Ordered, E> {
                Ok(Ordered(Vec::new()))
            }
        }
        d.deserialize_any(V)
    }
}

/// Parses an OpenAPI 3.x or Swagger 2.0 document (JSON or YAML). `doc_url` is where it
/// came from: relative URLs are resolved against it, and errors name it.
pub fn parse(text: &str, doc_url: Option<&Url>) -> Result<ApiDoc> {
    let origin = doc_url.map_or_else(|| "the document".to_owned(), |u| u.to_string());
    if text.len() > MAX_DOCUMENT {
        return Err(too_large(&origin));
    }
    let raw = read_raw(text, &origin)?;
    let version = version(&raw, &origin)?;
    let mut warnings = Vec::new();
    let api_base = match version {
        SpecVersion::Swagger2 => swagger2_base(&raw, doc_url),
        SpecVersion::OpenApi3(_) => openapi3_base(&raw, doc_url, &mut warnings),
    };
    // OAuth URLs are relative to the API server (taken as a directory), else the document.
    let url_base = api_base
        .as_ref()
        .map(|b| as_directory(b.url()))
        .or_else(|| doc_url.cloned());
    let definitions = match version {
        SpecVersion::Swagger2 => raw.security_definitions.as_ref(),
        SpecVersion::OpenApi3(_) => raw
            .components
            .as_ref()
            .and_then(|c| c.security_schemes.as_ref()),
    };
    let mut schemes = Vec::new();
    if let Some(Ordered(defs)) = definitions {
        for (name, def) in defs {
            match scheme(name, def, &version, url_base.as_ref()) {
                Ok(s) => schemes.push(s),
                Err(why) => warnings.push(format!("security scheme '{name}' skipped: {why}")),
            }
        }
    }
    if schemes.is_empty() {
        let mut msg = format!(
            "{origin} declares no security scheme Authdeck can use ({} is empty or missing)",
            if version == SpecVersion::Swagger2 {
                "securityDefinitions"
            } else {
                "components.securitySchemes"
            }
        );
        for w in &warnings {
            msg.push_str("; ");
            msg.push_str(w);
        }
        return Err(Error::Config(msg).with_hint(crate::hint::Hint::AddServiceByHand));
    }
    Ok(ApiDoc {
        version,
        title: raw
            .info
            .as_ref()
            .and_then(|i| text_field(i, "title"))
            .filter(|t| !t.is_empty()),
        api_base,
        docs_url: raw
            .external_docs
            .as_ref()
            .and_then(|d| text_field(d, "url"))
            .and_then(|u| HttpUrl::parse(&u).ok())
            .or_else(|| doc_url.and_then(|u| HttpUrl::parse(u.as_str()).ok())),
        schemes,
        warnings,
    })
}

fn too_large(origin: &str) -> Error {
    Error::Config(format!(
        "{origin} is larger than {} MiB, Authdeck's limit for an OpenAPI document: save the part with the security schemes to a file and import that",
        MAX_DOCUMENT / (1024 * 1024)
    ))
}

/// JSON when it starts like JSON, YAML otherwise. Errors give a position, never text.
fn read_raw(text: &str, origin: &str) -> Result<RawDoc> {
    let trimmed = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    let not_a_doc = |detail: String| {
        Error::Config(format!(
            "{origin} is not an OpenAPI or Swagger document: {detail}"
        ))
    };
    if trimmed.starts_with('<') {
        return Err(not_a_doc(
            "it is an HTML or XML page; give the URL of the JSON or YAML document (often …/openapi.json), not of the docs page".into(),
        ));
    }
    if trimmed.starts_with('{') {
        serde_json::from_str::<RawDoc>(trimmed).map_err(|e| {
            not_a_doc(match e.classify() {
                serde_json::error::Category::Data => {
                    "its top level or a field Authdeck reads has the wrong type".to_owned()
                }
                _ => format!("not valid JSON (line {}, column {})", e.line(), e.column()),
            })
        })
    } else {
        if flow_depth(trimmed) > MAX_FLOW_DEPTH {
            return Err(not_a_doc(format!(
                "its brackets nest more than {MAX_FLOW_DEPTH} levels deep"
            )));
        }
        serde_yaml_ng::from_str::<RawDoc>(trimmed).map_err(|e| {
            not_a_doc(match e.location() {
                Some(l) => format!(
                    "not valid JSON or YAML, or not an object (line {}, column {})",
                    l.line(),
                    l.column()
                ),
                None => "not valid JSON or YAML, or not an object".to_owned(),
            })
        })
    }
}

/// YAML flow collections nested this deep are refused before parsing: the YAML parser
/// reads every event before its own depth check, and deep flow nesting is slow there.
const MAX_FLOW_DEPTH: usize = 256;

/// The deepest running count of `[`/`{` not yet closed, quotes ignored (an over-count
/// only refuses absurd documents; an under-count could let a slow one through).
fn flow_depth(text: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for b in text.bytes() {
        match b {
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

fn version(raw: &RawDoc, origin: &str) -> Result<SpecVersion> {
    let as_text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    if let Some(v) = raw.openapi.as_ref() {
        return match as_text(v) {
            Some(s) if s.starts_with("3.") => Ok(SpecVersion::OpenApi3(s)),
            Some(s) => Err(Error::Config(format!(
                "{origin} is OpenAPI {}, which Authdeck does not read: it reads OpenAPI 3.0, 3.1, 3.2 and Swagger 2.0",
                truncate(&s, 20)
            ))),
            None => Err(Error::Config(format!(
                "{origin} has an `openapi` field that is not a version string"
            ))),
        };
    }
    if let Some(v) = raw.swagger.as_ref() {
        return match as_text(v) {
            Some(s) if s == "2.0" || s == "2" => Ok(SpecVersion::Swagger2),
            _ => Err(Error::Config(format!(
                "{origin} is a Swagger document of a version other than 2.0, which Authdeck does not read"
            ))),
        };
    }
    Err(Error::Config(format!(
        "{origin} is not an OpenAPI or Swagger document: no `openapi` or `swagger` field; give the URL of the JSON or YAML document (often …/openapi.json or …/swagger.json), not of the docs page"
    )))
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

fn text_field(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(|s| truncate(s.trim(), 200))
}

/// The URL with a trailing `/` on its path, so relative references land below it.
fn as_directory(u: &Url) -> Url {
    let mut u = u.clone();
    if !u.path().ends_with('/') {
        let path = format!("{}/", u.path());
        u.set_path(&path);
    }
    u
}

/// An absolute http(s) URL from `s`, resolved against `base` when relative.
fn resolve(s: &str, base: Option<&Url>) -> std::result::Result<HttpUrl, String> {
    let s = s.trim();
    let url = match Url::parse(s) {
        Ok(u) => u,
        Err(url::ParseError::RelativeUrlWithoutBase) => match base {
            Some(b) => b
                .join(s)
                .map_err(|e| format!("'{}' is not a valid URL: {e}", truncate(s, 100)))?,
            None => {
                return Err(format!(
                    "'{}' is relative and the document's URL is unknown (import it by URL, not from a file)",
                    truncate(s, 100)
                ))
            }
        },
        Err(e) => return Err(format!("'{}' is not a valid URL: {e}", truncate(s, 100))),
    };
    HttpUrl::parse(url.as_str())
}

fn swagger2_base(raw: &RawDoc, doc_url: Option<&Url>) -> Option<HttpUrl> {
    let host = raw
        .host
        .as_ref()
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| doc_url.map(|u| u.authority().to_owned()))?;
    let scheme = raw
        .schemes
        .as_ref()
        .and_then(Value::as_array)
        .and_then(|list| {
            let names: Vec<&str> = list.iter().filter_map(Value::as_str).collect();
            ["https", "http"]
                .into_iter()
                .find(|s| names.contains(s))
                .map(str::to_owned)
        })
        .or_else(|| doc_url.map(|u| u.scheme().to_owned()))
        .unwrap_or_else(|| "https".to_owned());
    let base_path = raw
        .base_path
        .as_ref()
        .and_then(Value::as_str)
        .unwrap_or("/");
    let base_path = if base_path.starts_with('/') {
        base_path.to_owned()
    } else {
        format!("/{base_path}")
    };
    HttpUrl::parse(&format!("{scheme}://{host}{base_path}")).ok()
}

fn openapi3_base(
    raw: &RawDoc,
    doc_url: Option<&Url>,
    warnings: &mut Vec<String>,
) -> Option<HttpUrl> {
    let server = raw
        .servers
        .as_ref()
        .and_then(Value::as_array)
        .and_then(|s| s.first());
    let Some(server) = server else {
        // No servers: the API is at "/" of the document's host.
        return doc_url
            .and_then(|u| u.join("/").ok())
            .and_then(|u| HttpUrl::parse(u.as_str()).ok());
    };
    let template = server.get("url").and_then(Value::as_str)?;
    let url = substitute_variables(template, server.get("variables"));
    match resolve(&url, doc_url) {
        Ok(u) => Some(u),
        Err(why) => {
            warnings.push(format!("servers[0].url skipped: {why}"));
            None
        }
    }
}

/// Replaces `{name}` with the variable's `default`.
fn substitute_variables(template: &str, variables: Option<&Value>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = &after[..end];
        let value = variables
            .and_then(|v| v.get(name))
            .and_then(|v| v.get("default"))
            .and_then(Value::as_str);
        match value {
            Some(v) => out.push_str(v),
            None => {
                out.push('{');
                out.push_str(name);
                out.push('}');
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

fn scheme(
    name: &str,
    def: &Value,
    version: &SpecVersion,
    base: Option<&Url>,
) -> std::result::Result<SecurityScheme, String> {
    let def = def.as_object().ok_or("it is not an object")?;
    if def.contains_key("$ref") {
        return Err("it is a $ref, which Authdeck does not follow".into());
    }
    let kind_name = def.get("type").and_then(Value::as_str).ok_or("no `type`")?;
    let str_of = |k: &str| def.get(k).and_then(Value::as_str);
    let kind = match kind_name {
        "http" => {
            let scheme = str_of("scheme").unwrap_or_default();
            if !scheme.eq_ignore_ascii_case("bearer") {
                return Err(format!(
                    "http scheme '{}' carries no token (only bearer does)",
                    truncate(scheme, 40)
                ));
            }
            SchemeKind::HttpBearer {
                bearer_format: str_of("bearerFormat").map(|f| truncate(f, 100)),
            }
        }
        "apiKey" => {
            let param = str_of("name")
                .filter(|n| !n.trim().is_empty())
                .ok_or("apiKey without `name`")?;
            let location = match str_of("in") {
                Some(l) => l
                    .parse::<KeyLocation>()
                    .map_err(|e| format!("apiKey `in`: {e}"))?,
                None => return Err("apiKey without `in`".into()),
            };
            SchemeKind::ApiKey {
                param: truncate(param.trim(), 200),
                location,
            }
        }
        "oauth2" => {
            let metadata_url = str_of("oauth2MetadataUrl")
                .filter(|u| !u.trim().is_empty())
                .map(|u| resolve(u, base).map_err(|e| format!("oauth2MetadataUrl: {e}")))
                .transpose()?;
            let flows = match version {
                SpecVersion::Swagger2 => vec![swagger2_flow(def, base)?],
                // With the provider's metadata, the flows may all be left to discovery.
                SpecVersion::OpenApi3(_) => match openapi3_flows(def, base) {
                    Err(_) if metadata_url.is_some() && !has_flows(def) => Vec::new(),
                    other => other?,
                },
            };
            SchemeKind::OAuth2 {
                flows,
                metadata_url,
            }
        }
        "openIdConnect" => {
            let url =
                str_of("openIdConnectUrl").ok_or("openIdConnect without `openIdConnectUrl`")?;
            SchemeKind::OpenIdConnect {
                url: resolve(url, base)?,
            }
        }
        "basic" => return Err("HTTP basic authentication carries no token".into()),
        other => return Err(format!("type '{}' is not supported", truncate(other, 40))),
    };
    Ok(SecurityScheme {
        name: truncate(name, 200),
        description: str_of("description").map(|d| truncate(d.trim(), 500)),
        token_name: token_name(def),
        kind,
    })
}

/// Whether an oauth2 scheme lists any flow at all.
fn has_flows(def: &Map<String, Value>) -> bool {
    def.get("flows")
        .and_then(Value::as_object)
        .is_some_and(|f| !f.is_empty())
}

/// Swagger UI's `x-tokenName`: on the scheme, else on the first flow that has one.
fn token_name(def: &Map<String, Value>) -> Option<String> {
    let text = |m: &Map<String, Value>| {
        m.get("x-tokenName")
            .and_then(Value::as_str)
            .map(|t| truncate(t.trim(), 100))
            .filter(|t| !t.is_empty())
    };
    text(def).or_else(|| {
        def.get("flows")
            .and_then(Value::as_object)?
            .values()
            .filter_map(Value::as_object)
            .find_map(text)
    })
}

fn swagger2_flow(
    def: &Map<String, Value>,
    base: Option<&Url>,
) -> std::result::Result<OAuthFlow, String> {
    let grant = match def.get("flow").and_then(Value::as_str) {
        Some("accessCode") => Grant::AuthorizationCode,
        Some("implicit") => Grant::Implicit,
        Some("password") => Grant::Password,
        Some("application") => Grant::ClientCredentials,
        Some(other) => return Err(format!("unknown oauth2 flow '{}'", truncate(other, 40))),
        None => return Err("oauth2 without `flow`".into()),
    };
    flow(grant, def, base)
}

fn openapi3_flows(
    def: &Map<String, Value>,
    base: Option<&Url>,
) -> std::result::Result<Vec<OAuthFlow>, String> {
    let flows = def
        .get("flows")
        .and_then(Value::as_object)
        .ok_or("oauth2 without `flows`")?;
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (key, grant) in [
        ("authorizationCode", Grant::AuthorizationCode),
        ("deviceAuthorization", Grant::DeviceAuthorization),
        ("clientCredentials", Grant::ClientCredentials),
        ("password", Grant::Password),
        ("implicit", Grant::Implicit),
    ] {
        if let Some(f) = flows.get(key) {
            match f
                .as_object()
                .ok_or_else(|| "not an object".to_owned())
                .and_then(|f| flow(grant, f, base))
            {
                Ok(f) => out.push(f),
                Err(why) => problems.push(format!("flow {key}: {why}")),
            }
        }
    }
    if out.is_empty() {
        return Err(if problems.is_empty() {
            "no oauth2 flow Authdeck knows".into()
        } else {
            problems.join("; ")
        });
    }
    Ok(out)
}

fn flow(
    grant: Grant,
    f: &Map<String, Value>,
    base: Option<&Url>,
) -> std::result::Result<OAuthFlow, String> {
    let url = |key: &str| -> std::result::Result<Option<HttpUrl>, String> {
        f.get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .map(|s| resolve(s, base).map_err(|e| format!("{key}: {e}")))
            .transpose()
    };
    let out = OAuthFlow {
        grant,
        authorization_url: url("authorizationUrl")?,
        token_url: url("tokenUrl")?,
        refresh_url: url("refreshUrl")?,
        device_authorization_url: url("deviceAuthorizationUrl")?,
        scopes: f
            .get("scopes")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .take(MAX_SCOPES)
                    .map(|(k, v)| Scope {
                        name: truncate(k, 200),
                        description: v
                            .as_str()
                            .map(|d| truncate(d.trim(), 300))
                            .unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    };
    let missing = |what: &str| Err(format!("`{what}` is missing"));
    match grant {
        Grant::AuthorizationCode if out.authorization_url.is_none() => missing("authorizationUrl"),
        Grant::Implicit if out.authorization_url.is_none() => missing("authorizationUrl"),
        Grant::AuthorizationCode | Grant::Password | Grant::ClientCredentials
            if out.token_url.is_none() =>
        {
            missing("tokenUrl")
        }
        Grant::DeviceAuthorization if out.device_authorization_url.is_none() => {
            missing("deviceAuthorizationUrl")
        }
        Grant::DeviceAuthorization if out.token_url.is_none() => missing("tokenUrl"),
        _ => Ok(out),
    }
}
