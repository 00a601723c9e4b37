//! Recognising a built-in preset from a document: when a preset, pointed at the same
//! deployment, has exactly the document's token URL and API base and keeps every endpoint
//! on that deployment, the preset's login (with its quirks, e.g. Autolab's device flow) is used
//! instead of the plain flow the document declares.

use super::Need;
use crate::config::presets::{self, Preset};
use crate::config::{HttpUrl, Service};

/// A preset that matches, with the settings that point it at the document's deployment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PresetMatch {
    pub preset: &'static str,
    pub settings: Vec<(String, String)>,
}

/// Placeholder for inputs the user supplies later (client id, user name).
const LATER: &str = "to-be-supplied";

/// The input that holds a deployment URL, if the preset has one.
fn url_input(p: &Preset) -> Option<&'static str> {
    p.inputs
        .iter()
        .map(|i| i.key)
        .find(|k| *k == "base_url" || *k == "api_base")
}

/// `https://h/a/b/token` → `https://h`, `https://h/a`, `https://h/a/b`.
fn prefixes(url: &HttpUrl) -> Vec<String> {
    let u = url.url();
    let origin = u.origin().ascii_serialization();
    let mut out = vec![origin.clone()];
    let segments: Vec<&str> = u.path_segments().map(|s| s.collect()).unwrap_or_default();
    let mut path = String::new();
    for seg in segments
        .iter()
        .take(segments.len().saturating_sub(1))
        .take(16)
    {
        path.push('/');
        path.push_str(seg);
        out.push(format!("{origin}{path}"));
    }
    out
}

fn all_urls(s: &Service) -> Vec<&HttpUrl> {
    let e = &s.endpoints;
    let mut urls: Vec<&HttpUrl> = [
        &s.issuer,
        &e.authorization,
        &e.token,
        &e.device_authorization,
        &e.revocation,
        &e.refresh,
        &e.app_token,
    ]
    .into_iter()
    .flatten()
    .collect();
    if let Some(d) = &s.device {
        urls.extend(d.poll.iter().chain(d.redirect_uri.iter()));
    }
    urls
}

fn same_base(a: &HttpUrl, b: &HttpUrl) -> bool {
    a.as_str().trim_end_matches('/') == b.as_str().trim_end_matches('/')
}

fn try_preset(
    p: &Preset,
    base: Option<(&str, &str)>,
    token_url: &HttpUrl,
    api_base: &HttpUrl,
) -> Option<Service> {
    let mut settings: Vec<(String, String)> = Vec::new();
    if let Some((key, value)) = base {
        settings.push((key.to_owned(), value.to_owned()));
    }
    for input in p.inputs.iter().filter(|i| i.default.is_none()) {
        if !settings.iter().any(|(k, _)| k == input.key) {
            settings.push((input.key.to_owned(), LATER.to_owned()));
        }
    }
    let service = p.build(&settings).ok()?;
    if service.endpoints.token.as_ref() != Some(token_url)
        || !service
            .api_base
            .as_ref()
            .is_some_and(|b| same_base(b, api_base))
    {
        return None;
    }
    let on_deployment = |u: &&HttpUrl| base.is_none_or(|(_, b)| u.as_str().starts_with(b));
    all_urls(&service)
        .iter()
        .all(on_deployment)
        .then_some(service)
}

/// The first preset whose token endpoint is `token_url` and API base `api_base`, with the
/// service it builds (placeholders where the user must supply a value) and what it needs.
pub(crate) fn find(
    token_url: &HttpUrl,
    api_base: &HttpUrl,
) -> Option<(PresetMatch, Service, Vec<Need>)> {
    // Legacy variants describe older servers; a document describes the current one.
    for p in presets::PRESETS
        .iter()
        .filter(|p| !p.name.ends_with("-legacy"))
    {
        let found = match url_input(p) {
            Some(key) => prefixes(token_url).into_iter().find_map(|candidate| {
                try_preset(p, Some((key, &candidate)), token_url, api_base)
                    .map(|s| (vec![(key.to_owned(), candidate)], s))
            }),
            None => try_preset(p, None, token_url, api_base).map(|s| (Vec::new(), s)),
        };
        if let Some((settings, mut service)) = found {
            let has = |k: &str| p.inputs.iter().any(|i| i.key == k);
            let mut needs = Vec::new();
            if has("client_id") {
                needs.push(Need::ClientId);
                service.client_id.clear();
            }
            if p.needs_client_secret {
                needs.push(Need::ClientSecret);
            }
            if has("username") {
                needs.push(Need::Username);
                service.accounts.clear();
            }
            if p.needs_password {
                needs.push(Need::Password);
            }
            return Some((
                PresetMatch {
                    preset: p.name,
                    settings,
                },
                service,
                needs,
            ));
        }
    }
    None
}
