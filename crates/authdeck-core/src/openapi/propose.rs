//! From security schemes to proposed services: one [`Proposal`] per scheme, completed
//! with what the document cannot give ([`Completion`]) into a validated [`Service`].

use serde::Serialize;

use super::{ApiDoc, Grant, OAuthFlow, PasteHint, SchemeKind, Scope, SecurityScheme};
use crate::config::{Account, AccountName};
use crate::config::{
    ClientAuth, Endpoints, Flow, HttpUrl, Service, ServiceId, SwaggerKind, SwaggerScheme,
};
use crate::error::{Error, Result};
use crate::hint::Hint;
pub use crate::hint::Need;

/// A service proposed for one security scheme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proposal {
    /// The scheme's name in the document.
    pub scheme: String,
    /// The suggested service id.
    pub id: String,
    /// The display name.
    pub name: String,
    /// The OAuth grant the document declares that the service uses, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grant: Option<&'static str>,
    /// The service it would create; `client_id` is empty until completed.
    pub service: Service,
    /// The scopes the document lists, to pick from.
    pub scopes: Vec<Scope>,
    /// What the document cannot give.
    pub needs: Vec<Need>,
    /// What to paste into the docs' Authorize dialog.
    pub paste_hint: PasteHint,
    /// Remarks for the user (other flows offered, assumptions made).
    pub notes: Vec<String>,
    /// The built-in preset whose login the service uses, if the document matches one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preset: Option<super::PresetMatch>,
    /// Where the provider's metadata is (an `openIdConnect` scheme's URL or an
    /// `oauth2MetadataUrl`), read by [`super::with_metadata`].
    #[serde(skip)]
    pub metadata_url: Option<HttpUrl>,
    /// The strongest secret-based client authentication the provider lists, used
    /// instead of a key when the user brings a client secret.
    #[serde(skip)]
    pub secret_auth: Option<ClientAuth>,
}

/// What the user supplies to turn a [`Proposal`] into a service.
#[derive(Debug, Clone, Default)]
pub struct Completion {
    /// Another id than the suggested one.
    pub id: Option<String>,
    pub client_id: Option<String>,
    /// Whether a client secret will be stored (it is stored by the caller, in the keyring).
    pub client_secret: bool,
    pub username: Option<String>,
    /// The scopes to request; `None`: none (the provider's default).
    pub scopes: Option<Vec<String>>,
    pub token_url: Option<String>,
}

/// A service id from free text: lowercase ASCII letters and digits, other runs become `-`.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= 48 {
            break;
        }
    }
    let out = out.trim_matches('-').to_owned();
    if out.is_empty() {
        "api".to_owned()
    } else {
        out
    }
}

/// One proposal per security scheme of `doc`, in the document's order.
pub fn propose(doc: &ApiDoc) -> Vec<Proposal> {
    let base_name = doc
        .title
        .clone()
        .or_else(|| {
            doc.api_base
                .as_ref()
                .and_then(|u| u.url().host_str().map(str::to_owned))
        })
        .unwrap_or_else(|| "API".to_owned());
    let several = doc.schemes.len() > 1;
    let pasteable = best_pasteable(&doc.schemes);
    doc.schemes
        .iter()
        .map(|scheme| {
            let (id, name) = if several {
                (
                    format!("{}-{}", slug(&base_name), slug(&scheme.name)),
                    format!("{base_name} ({})", scheme.name),
                )
            } else {
                (slug(&base_name), base_name.clone())
            };
            let id: String = id.chars().take(64).collect();
            let id = id.trim_end_matches('-').to_owned();
            proposal(doc, scheme, pasteable, id, name)
        })
        .collect()
}

/// The scheme a pasted token goes into: an http bearer one, else an apiKey one.
fn best_pasteable(schemes: &[SecurityScheme]) -> Option<&SecurityScheme> {
    schemes
        .iter()
        .find(|s| matches!(s.kind, SchemeKind::HttpBearer { .. }))
        .or_else(|| {
            schemes
                .iter()
                .find(|s| matches!(s.kind, SchemeKind::ApiKey { .. }))
        })
}

fn swagger_of(scheme: &SecurityScheme) -> SwaggerScheme {
    let (kind, param, location) = match &scheme.kind {
        SchemeKind::HttpBearer { .. } => (SwaggerKind::HttpBearer, None, None),
        SchemeKind::ApiKey { param, location } => {
            (SwaggerKind::ApiKey, Some(param.clone()), Some(*location))
        }
        SchemeKind::OAuth2 { .. } => (SwaggerKind::OAuth2, None, None),
        SchemeKind::OpenIdConnect { .. } => (SwaggerKind::OpenIdConnect, None, None),
    };
    SwaggerScheme {
        scheme: kind,
        name: Some(scheme.name.clone()),
        param,
        location,
    }
}

fn proposal(
    doc: &ApiDoc,
    scheme: &SecurityScheme,
    pasteable: Option<&SecurityScheme>,
    id: String,
    name: String,
) -> Proposal {
    let mut service = Service {
        name: Some(name.clone()),
        docs_url: doc.docs_url.clone(),
        api_base: doc.api_base.clone(),
        ..Service::default()
    };
    let mut scopes = Vec::new();
    let mut needs = Vec::new();
    let mut notes = Vec::new();
    let mut grant = None;
    let mut preset = None;
    let mut metadata_url = None;
    let own_box = match &scheme.kind {
        SchemeKind::HttpBearer { bearer_format } => {
            service.flow = Flow::Bearer;
            needs.push(Need::Token);
            notes.push(format!(
                "the document gives no login for this scheme: paste a {}token obtained elsewhere",
                bearer_format
                    .as_deref()
                    .map(|f| format!("{f} "))
                    .unwrap_or_default()
            ));
            true
        }
        SchemeKind::ApiKey { .. } => {
            service.flow = Flow::ApiKey;
            needs.push(Need::ApiKey);
            true
        }
        SchemeKind::OpenIdConnect { url } => {
            metadata_url = Some(url.clone());
            service.flow = Flow::AuthCode;
            service.issuer = Some(issuer_of(url, &mut notes));
            service.scopes = vec!["openid".to_owned()];
            scopes.push(Scope {
                name: "openid".into(),
                description: "OpenID Connect".into(),
            });
            needs.extend([Need::ClientId, Need::ClientSecretIfConfidential]);
            false
        }
        SchemeKind::OAuth2 {
            flows,
            metadata_url: from_doc,
        } => {
            if let Some(url) = from_doc {
                service.issuer = Some(issuer_of_metadata(url, &mut notes));
                metadata_url = Some(url.clone());
                notes.push(format!(
                        "endpoints the document does not give are discovered from its oauth2MetadataUrl {url}"
                    ));
            }
            if let Some(chosen) = flows.first() {
                grant = Some(chosen.grant.as_str());
                oauth(&mut service, chosen, flows, &mut needs, &mut notes);
                scopes = chosen.scopes.clone();
                preset = use_preset(&mut service, chosen, &mut needs, &mut notes);
            } else {
                // Only the metadata: a browser login at the discovered endpoints.
                service.flow = Flow::AuthCode;
                needs.extend([Need::ClientId, Need::ClientSecretIfConfidential]);
            }
            false
        }
    };
    if preset.is_none() && !service.flow.is_pasted() {
        token_field(&mut service, scheme.token_name.as_deref(), &mut notes);
    }
    let swagger_from = if own_box {
        Some(scheme)
    } else {
        pasteable.or(Some(scheme))
    };
    service.swagger = swagger_from.map(swagger_of);
    let paste_hint = super::paste_hint(&service);
    Proposal {
        scheme: scheme.name.clone(),
        id,
        name,
        grant,
        service,
        scopes,
        needs,
        paste_hint,
        notes,
        preset,
        metadata_url,
        secret_auth: None,
    }
}

/// Swagger UI's `x-tokenName` as the service's [`crate::config::TokenField`].
fn token_field(service: &mut Service, name: Option<&str>, notes: &mut Vec<String>) {
    let Some(name) = name else { return };
    match name.parse::<crate::config::TokenField>() {
        Ok(field) => {
            service.token_field = field;
            if field == crate::config::TokenField::IdToken {
                if !service.scopes.iter().any(|s| s == "openid") {
                    service.scopes.insert(0, "openid".to_owned());
                }
                notes.push(
                    "the document's x-tokenName says the API takes the ID token: Authdeck hands out the id_token of each token response (scope openid)".into(),
                );
            }
        }
        Err(_) => notes.push(format!(
            "x-tokenName '{name}' is not a token Authdeck can hand out (access_token or id_token): the access token is used"
        )),
    }
}

/// The issuer of an RFC 8414 metadata URL (`<origin>/.well-known/oauth-authorization-server[/<path>]`
/// is the issuer `<origin>[/<path>]`) or of an OpenID one (`<issuer>/.well-known/openid-configuration`).
fn issuer_of_metadata(url: &HttpUrl, notes: &mut Vec<String>) -> HttpUrl {
    const OAUTH: &str = "/.well-known/oauth-authorization-server";
    let u = url.url();
    if let Some(rest) = u.path().strip_prefix(OAUTH) {
        if rest.is_empty() || rest.starts_with('/') {
            let issuer = format!("{}{rest}", u.origin().ascii_serialization());
            if let Ok(issuer) = HttpUrl::parse(&issuer) {
                return issuer;
            }
        }
    }
    issuer_of(url, notes)
}

/// Switches the service to a built-in preset's login when the flow's token URL is the
/// preset's (see `preset_match`).
fn use_preset(
    service: &mut Service,
    chosen: &OAuthFlow,
    needs: &mut Vec<Need>,
    notes: &mut Vec<String>,
) -> Option<super::PresetMatch> {
    let (m, from_preset, preset_needs) =
        super::preset_match::find(chosen.token_url.as_ref()?, service.api_base.as_ref()?)?;
    let settings: Vec<String> = m.settings.iter().map(|(k, v)| format!("{k}={v}")).collect();
    *notes = vec![format!(
        "the token URL is that of the built-in preset '{}'{}: the service logs in as that preset does ({} flow), not with the document's {}",
        m.preset,
        if settings.is_empty() { String::new() } else { format!(" ({})", settings.join(", ")) },
        from_preset.flow,
        chosen.grant.as_str()
    )];
    *service = Service {
        name: service.name.take(),
        docs_url: service.docs_url.take(),
        api_base: service.api_base.take().or(from_preset.api_base.clone()),
        ..from_preset
    };
    *needs = preset_needs;
    Some(m)
}

/// The issuer from an `openIdConnectUrl` (its `/.well-known/openid-configuration` cut).
fn issuer_of(url: &HttpUrl, notes: &mut Vec<String>) -> HttpUrl {
    const WELL_KNOWN: &str = "/.well-known/openid-configuration";
    let text = url.as_str();
    match text.strip_suffix(WELL_KNOWN) {
        Some(issuer) => HttpUrl::parse(issuer).unwrap_or_else(|_| url.clone()),
        None => {
            notes.push(format!(
                "openIdConnectUrl {text} does not end in {WELL_KNOWN}: check the issuer"
            ));
            url.clone()
        }
    }
}

fn oauth(
    service: &mut Service,
    chosen: &OAuthFlow,
    all: &[OAuthFlow],
    needs: &mut Vec<Need>,
    notes: &mut Vec<String>,
) {
    let any_token_url = || all.iter().find_map(|f| f.token_url.clone());
    service.endpoints = Endpoints {
        authorization: chosen.authorization_url.clone(),
        token: chosen.token_url.clone().or_else(any_token_url),
        device_authorization: chosen.device_authorization_url.clone(),
        refresh: chosen
            .refresh_url
            .clone()
            .filter(|r| Some(r) != chosen.token_url.as_ref()),
        ..Endpoints::default()
    };
    needs.push(Need::ClientId);
    match chosen.grant {
        Grant::AuthorizationCode | Grant::Implicit => {
            service.flow = Flow::AuthCode;
            needs.push(Need::ClientSecretIfConfidential);
            notes.push("logs in in the browser (authorization code + PKCE); the client must accept a loopback redirect http://127.0.0.1:<port>/callback".into());
            if chosen.grant == Grant::Implicit {
                notes.push("the document offers the implicit flow, which is deprecated: Authdeck uses authorization code + PKCE at the same authorization URL".into());
            }
        }
        Grant::DeviceAuthorization => {
            service.flow = Flow::Device;
            needs.push(Need::ClientSecretIfConfidential);
        }
        Grant::ClientCredentials => {
            service.flow = Flow::ClientCredentials;
            service.client_auth = Some(ClientAuth::ClientSecretBasic);
            needs.push(Need::ClientSecret);
        }
        Grant::Password => {
            service.flow = Flow::Password;
            needs.retain(|n| *n != Need::ClientId);
            needs.push(Need::ClientIdIfRequired);
            needs.extend([
                Need::ClientSecretIfConfidential,
                Need::Username,
                Need::Password,
            ]);
        }
    }
    if service.endpoints.token.is_none() {
        needs.push(Need::TokenUrl);
    }
    let others: Vec<&str> = all.iter().skip(1).map(|f| f.grant.as_str()).collect();
    if !others.is_empty() {
        notes.push(format!(
            "the scheme also offers: {} (add another service by hand for those)",
            others.join(", ")
        ));
    }
}

/// Client authentications from strongest to weakest: a key never sent, a secret never
/// sent, a secret sent (in a header, then in the body), none.
const AUTH_STRENGTH: [ClientAuth; 5] = [
    ClientAuth::PrivateKeyJwt,
    ClientAuth::ClientSecretJwt,
    ClientAuth::ClientSecretBasic,
    ClientAuth::ClientSecretPost,
    ClientAuth::None,
];

impl Proposal {
    /// Proposes the strongest client authentication among the provider's
    /// `token_endpoint_auth_methods_supported` (`methods`, as the metadata names them):
    /// `private_key_jwt` > `client_secret_jwt` > `client_secret_basic` >
    /// `client_secret_post` > `none`. With a key, the proposal needs one
    /// ([`Need::ClientKey`]) and no secret; a user who brings a client secret gets the
    /// strongest secret-based method instead ([`Proposal::complete`]). Services from a
    /// preset and pasted-token services are left as they are.
    pub fn prefer_auth_methods(&mut self, methods: &[String]) {
        if self.preset.is_some() || self.service.flow.is_pasted() {
            return;
        }
        let listed = |a: &ClientAuth| methods.iter().any(|m| m == a.as_str());
        let usable: Vec<ClientAuth> = AUTH_STRENGTH
            .into_iter()
            .filter(listed)
            // A client of its own (client credentials) always authenticates.
            .filter(|a| *a != ClientAuth::None || self.service.flow != Flow::ClientCredentials)
            .collect();
        let Some(&strongest) = usable.first() else {
            return;
        };
        self.secret_auth = usable.iter().copied().find(|a| a.needs_secret());
        let names: Vec<&str> = usable.iter().map(|a| a.as_str()).collect();
        self.service.client_auth = Some(strongest);
        let secret_needs = [Need::ClientSecret, Need::ClientSecretIfConfidential];
        match strongest {
            ClientAuth::PrivateKeyJwt => {
                self.needs.retain(|n| !secret_needs.contains(n));
                self.needs.push(Need::ClientKey);
                self.notes.push(format!(
                    "the provider accepts {}: the client authenticates with a key pair (private_key_jwt, the strongest); generate its key after adding the service and register the public key with the provider (with a client secret instead, {} is used)",
                    names.join(", "),
                    self.secret_auth.map_or("no other method", |a| a.as_str())
                ));
            }
            ClientAuth::None => {
                self.needs.retain(|n| !secret_needs.contains(n));
                self.notes.push(
                    "the provider accepts public clients only (no client authentication)".into(),
                );
            }
            secret => {
                self.needs.retain(|n| !secret_needs.contains(n));
                self.needs.push(Need::ClientSecret);
                self.notes.push(format!(
                    "the provider accepts {}: the client authenticates with its secret ({secret})",
                    names.join(", ")
                ));
            }
        }
    }

    /// The service, completed with what the user supplied, and its id; validated.
    /// Errors name the missing input.
    pub fn complete(&self, input: &Completion) -> Result<(ServiceId, Service)> {
        let id =
            ServiceId::parse(input.id.as_deref().unwrap_or(&self.id)).map_err(Error::Config)?;
        let mut service = self.service.clone();
        let need = |n: Need| self.needs.contains(&n);
        if need(Need::ClientIdIfRequired) {
            service.client_id = input
                .client_id
                .as_deref()
                .map(str::trim)
                .unwrap_or_default()
                .to_owned();
        }
        if need(Need::ClientId) {
            service.client_id = input
                .client_id
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .ok_or_else(|| {
                    missing(format!(
                        "the document does not give a client id for '{}' (register a client at the provider)",
                        self.scheme
                    ), Need::ClientId)
                })?
                .to_owned();
        }
        if need(Need::ClientSecret) && !input.client_secret {
            return Err(missing(
                format!(
                    "'{}' uses client credentials, which need the client secret",
                    self.scheme
                ),
                Need::ClientSecret,
            ));
        }
        if need(Need::ClientSecretIfConfidential) && input.client_secret {
            service.client_auth = Some(ClientAuth::ClientSecretBasic);
        }
        if need(Need::ClientKey) && input.client_secret {
            // The user's client has a secret, not a key: the strongest way to use it.
            service.client_auth = Some(self.secret_auth.ok_or_else(|| {
                Error::Config(format!(
                    "the provider of '{}' lists no client authentication with a secret: leave the client secret out and use a key pair (private_key_jwt)",
                    self.scheme
                ))
            })?);
        }
        if need(Need::TokenUrl) {
            let url = input.token_url.as_deref().ok_or_else(|| {
                missing(
                    format!("the document gives no token URL for '{}'", self.scheme),
                    Need::TokenUrl,
                )
            })?;
            service.endpoints.token = Some(
                HttpUrl::parse(url)
                    .map_err(|e| missing(format!("token URL: {e}"), Need::TokenUrl))?,
            );
        }
        if need(Need::Username) {
            let user = input
                .username
                .as_deref()
                .map(str::trim)
                .filter(|u| !u.is_empty())
                .ok_or_else(|| {
                    missing(
                        format!(
                            "'{}' logs in with a password, which needs a user name",
                            self.scheme
                        ),
                        Need::Username,
                    )
                })?;
            service.accounts = vec![Account {
                name: AccountName::default_account(),
                username: Some(user.to_owned()),
            }];
        }
        if let Some(scopes) = &input.scopes {
            service.scopes = scopes
                .iter()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect();
        }
        service
            .validate()
            .map_err(|m| Error::Config(format!("service '{id}': {m}")))?;
        Ok((id, service))
    }
}

/// A configuration error about something the user must supply: each front end words
/// where it goes (a CLI flag, a form field).
fn missing(message: String, need: Need) -> Error {
    Error::Config(message).with_hint(Hint::Supply { need })
}
