//! Services and accounts, as configured in `services.toml`.
//!
//! The file is meant to be edited by hand as well as by Authdeck, so:
//! - it is strict: unknown keys and malformed values are errors, reported with file,
//!   line and column (the value types below validate themselves while deserialising, so
//!   the TOML parser knows where the bad value is);
//! - Authdeck's own edits go through `toml_edit`, keeping the user's comments and order;
//! - a file that does not parse is never overwritten, and every write is atomic;
//! - it never holds a secret: client secrets, passwords and tokens live in the keyring.

mod draft;
pub mod presets;
pub mod settings;
pub mod team;
mod types;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use crate::ids::{AccountName, ServiceId, DEFAULT_ACCOUNT};
pub use draft::{check_secrets, Field, FieldError, SecretsGiven, ServiceDraft, ServiceEdit};
pub use types::{
    duration_secs, AssertionAudience, ClientAuth, DeviceProtocol, DpopMode, Flow, HttpUrl,
    KeyLocation, Lifetime, ParMode, PortList, RedirectHost, RequestObjectMode, SwaggerKind,
    TokenField, TokenPlacement,
};

use crate::error::{Error, Result};
use crate::paths;

/// All configured services, by id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    pub services: BTreeMap<ServiceId, Service>,
}

impl Config {
    /// The service `id`, or a clear "no such service" error. Takes a [`ServiceId`] (or,
    /// inside the broker, where ids are still passed as text, a `&str`).
    pub fn service<I: AsRef<str> + ?Sized>(&self, id: &I) -> Result<&Service> {
        let id = id.as_ref();
        self.services
            .iter()
            .find(|(k, _)| k.as_str() == id)
            .map(|(_, v)| v)
            .ok_or_else(|| Error::UnknownService(id.to_owned()))
    }
}

/// One API service and how to get tokens for it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Display name; the id when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The service's Swagger / OpenAPI documentation page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs_url: Option<HttpUrl>,
    /// Base URL of the API the tokens are for (used for the curl line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_base: Option<HttpUrl>,
    /// Which grant logs in.
    pub flow: Flow,
    /// The issuer, for discovery of the endpoints not given explicitly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<HttpUrl>,
    /// Explicit endpoints; each one overrides discovery.
    #[serde(default, skip_serializing_if = "Endpoints::is_empty")]
    pub endpoints: Endpoints,
    /// The OAuth client id (empty for the pasted `bearer` and `api-key` flows).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub client_id: String,
    /// How the client authenticates at the token endpoint. Default: `client_secret_basic`
    /// for client credentials, `none` (public client) otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_auth: Option<ClientAuth>,
    /// The `aud` of the client assertions (`client_secret_jwt`, `private_key_jwt`):
    /// `token-endpoint` (default), `issuer` or `endpoint` (the URL each request goes to).
    #[serde(default, skip_serializing_if = "AssertionAudience::is_default")]
    pub assertion_audience: AssertionAudience,
    /// Pushed authorization requests (RFC 9126) of the browser login: `auto` (default:
    /// when the provider requires them), `always` or `never`.
    #[serde(default, skip_serializing_if = "ParMode::is_default")]
    pub par: ParMode,
    /// DPoP (RFC 9449): bind the account's tokens to a key of its own: `never`
    /// (default), `auto` (when the provider's metadata offers ES256) or `always`.
    #[serde(default, skip_serializing_if = "DpopMode::is_default")]
    pub dpop: DpopMode,
    /// Signed request objects (JAR, RFC 9101) of the browser login: `auto` (default:
    /// when the provider requires them), `signed` or `plain`.
    #[serde(default, skip_serializing_if = "RequestObjectMode::is_default")]
    pub request_object: RequestObjectMode,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    /// Extra parameters of the authorization request (e.g. `audience`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub authorize_params: BTreeMap<String, String>,
    /// Extra parameters of every token request (e.g. `resource`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub token_params: BTreeMap<String, String>,
    /// Extra parameters of refresh requests only (e.g. `scope=offline_access`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub refresh_params: BTreeMap<String, String>,
    /// Which field of the token response is the token handed out: `access_token`
    /// (default) or `id_token` (an API that takes the ID token; Swagger UI's
    /// `x-tokenName`).
    #[serde(default, skip_serializing_if = "TokenField::is_default")]
    pub token_field: TokenField,
    /// Where token request parameters travel: `form` (standard), `post-query`, `get-query`.
    #[serde(default, skip_serializing_if = "TokenPlacement::is_form")]
    pub token_request: TokenPlacement,
    /// How long a refresh token lives, when the provider is known to end it (e.g. a
    /// Keycloak realm's session length) but does not say so in its answer
    /// (`refresh_expires_in`, which wins when given). Tells when a login will be needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token_lifetime: Option<Lifetime>,
    /// Settings of a non-standard device login (Autolab).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<DeviceSettings>,
    /// The preset this service was made from (informational).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// The loopback redirect of the authorization-code flow.
    #[serde(default, skip_serializing_if = "Redirect::is_default")]
    pub redirect: Redirect,
    /// The security scheme the service's Swagger / OpenAPI page declares, which says what
    /// to paste into its "Authorize" dialog.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub swagger: Option<SwaggerScheme>,
    /// Named token-exchange targets (RFC 8693): `[services.<id>.exchange.<name>]`, each
    /// an audience and/or resource with the scopes to ask for, for which an account's
    /// token is exchanged.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub exchange: BTreeMap<String, ExchangeTarget>,
    /// The accounts of this service; `default` is implied when the list is empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<Account>,
}

/// What an account's token is exchanged for (RFC 8693 §2.1): the `audience` (a logical
/// name of the target service) and/or the `resource` (its absolute URI, sent as written:
/// `https://x` and `https://x/` are different resources), and the `scopes` wanted (none:
/// the provider's default for the target).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExchangeTarget {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
}

impl ExchangeTarget {
    /// What the target must have: an audience or a resource, no blank scope.
    pub fn check(&self) -> std::result::Result<(), String> {
        let audience = self.audience.as_deref().map(str::trim);
        if audience.is_none_or(str::is_empty) && self.resource.is_none() {
            return Err("needs an `audience` or a `resource` to exchange the token for".into());
        }
        if audience.is_some_and(str::is_empty) {
            return Err("`audience` is empty".into());
        }
        if let Some(resource) = &self.resource {
            // RFC 8707 §2: an absolute URI without a fragment.
            match url::Url::parse(resource) {
                Ok(u) if u.fragment().is_none() && !u.cannot_be_a_base() => {}
                _ => {
                    return Err(
                        "`resource` must be an absolute URI without a fragment (https://…)".into(),
                    )
                }
            }
        }
        if self
            .scopes
            .iter()
            .any(|s| s.trim().is_empty() || s.contains(' '))
        {
            return Err("`scopes` must be single words, none blank".into());
        }
        Ok(())
    }

    /// The cache key of tokens got for this target: audience, resource and the sorted
    /// scopes (the same request gives the same key).
    pub fn cache_key(&self) -> String {
        let mut scopes = self.scopes.clone();
        scopes.sort();
        scopes.dedup();
        format!(
            "aud={}\nres={}\nscope={}",
            self.audience.as_deref().unwrap_or(""),
            self.resource.as_deref().unwrap_or(""),
            scopes.join(" ")
        )
    }

    /// How the target is named in messages: its audience, else its resource.
    pub fn label(&self) -> String {
        match (&self.audience, &self.resource) {
            (Some(a), _) => a.clone(),
            (None, Some(r)) => r.clone(),
            (None, None) => String::new(),
        }
    }
}

/// The security scheme of the service's Swagger / OpenAPI page.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SwaggerScheme {
    /// `http-bearer`, `api-key`, `oauth2` or `openid-connect`.
    pub scheme: SwaggerKind,
    /// The scheme's name in the document (e.g. `HTTPBearer`), for display.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `api-key` only: the header, query parameter or cookie name (e.g. `Authorization`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
    /// `api-key` only: where the key travels (default `header`).
    #[serde(default, rename = "in", skip_serializing_if = "Option::is_none")]
    pub location: Option<KeyLocation>,
}

/// Explicit endpoint URLs.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoints {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization: Option<HttpUrl>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<HttpUrl>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_authorization: Option<HttpUrl>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation: Option<HttpUrl>,
    /// Token introspection (RFC 7662).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introspection: Option<HttpUrl>,
    /// A separate endpoint for refresh requests (NOMAD refreshes at its Keycloak).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh: Option<HttpUrl>,
    /// NOMAD's endpoint that mints long-lived app tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_token: Option<HttpUrl>,
}

/// How a non-standard device login works.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceSettings {
    #[serde(default, skip_serializing_if = "DeviceProtocol::is_default")]
    pub protocol: DeviceProtocol,
    /// Autolab: the endpoint polled for the authorization code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poll: Option<HttpUrl>,
    /// Autolab: the `redirect_uri` of the code exchange.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_uri: Option<HttpUrl>,
}

impl Endpoints {
    fn is_empty(&self) -> bool {
        self == &Endpoints::default()
    }
}

/// Where the authorization server sends the browser back to.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Redirect {
    /// The host written into `redirect_uri`; the listener binds 127.0.0.1 either way.
    #[serde(default)]
    pub host: RedirectHost,
    /// Ports tried in order, e.g. `"8080-8085"`; `"0"` takes any free port.
    #[serde(default)]
    pub ports: PortList,
    /// Path of the redirect URI: `"/callback"` by default, `""` for none at all.
    #[serde(default = "default_redirect_path")]
    pub path: String,
}

fn default_redirect_path() -> String {
    "/callback".to_owned()
}

impl Default for Redirect {
    fn default() -> Self {
        Redirect {
            host: RedirectHost::default(),
            ports: PortList::default(),
            path: default_redirect_path(),
        }
    }
}

impl Redirect {
    fn is_default(&self) -> bool {
        self == &Redirect::default()
    }

    /// The redirect URI for a listener on `port`.
    pub fn uri(&self, port: u16) -> String {
        format!("http://{}:{port}{}", self.host.as_str(), self.path)
    }
}

/// One account of a service.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    pub name: AccountName,
    /// The user name of the password grant (the password is in the keyring).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}

impl Service {
    /// The name shown to people.
    pub fn display_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.name.as_deref().unwrap_or(id)
    }

    /// The client authentication in effect (see [`Service::client_auth`]).
    pub fn effective_client_auth(&self) -> ClientAuth {
        self.client_auth.unwrap_or(match self.flow {
            Flow::ClientCredentials => ClientAuth::ClientSecretBasic,
            _ => ClientAuth::None,
        })
    }

    /// The accounts' names, typed, `default` when none is configured.
    pub fn account_list(&self) -> Vec<AccountName> {
        if self.accounts.is_empty() {
            vec![AccountName::default_account()]
        } else {
            self.accounts.iter().map(|a| a.name.clone()).collect()
        }
    }

    /// Whether account `name` of this service (`id`) may be removed: it must exist and
    /// not be the last one (a service keeps at least one account).
    pub fn check_removable(&self, id: &str, name: &str) -> Result<()> {
        let names = self.account_names();
        if !names.iter().any(|n| n == name) {
            return Err(Error::Config(format!(
                "service '{id}' has no account '{name}' (it has: {})",
                names.join(", ")
            )));
        }
        if names.len() == 1 {
            return Err(Error::Config(format!(
                "'{name}' is the only account of '{id}': remove the service instead"
            ))
            .with_hint(crate::hint::Hint::RemoveService {
                service: id.to_owned(),
            }));
        }
        Ok(())
    }

    /// The account names, `default` when none is configured.
    pub fn account_names(&self) -> Vec<String> {
        if self.accounts.is_empty() {
            vec![DEFAULT_ACCOUNT.to_owned()]
        } else {
            self.accounts.iter().map(|a| a.name.to_string()).collect()
        }
    }

    /// The account `name`, if configured.
    pub fn account(&self, name: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.name.as_str() == name)
    }

    /// Checks what the types alone cannot: that the flow has the endpoints it needs.
    pub fn validate(&self) -> std::result::Result<(), String> {
        if let Some(sw) = &self.swagger {
            if sw.scheme == SwaggerKind::ApiKey
                && sw.param.as_deref().is_none_or(|p| p.trim().is_empty())
            {
                return Err("swagger scheme 'api-key' needs swagger.param (the header, query or cookie name)".into());
            }
            if sw.scheme != SwaggerKind::ApiKey && (sw.param.is_some() || sw.location.is_some()) {
                return Err("swagger.param and swagger.in are only for scheme 'api-key'".into());
            }
        }
        if self.refresh_token_lifetime.is_some()
            && (self.flow.is_pasted() || self.flow == Flow::ClientCredentials)
        {
            return Err(format!(
                "refresh_token_lifetime: the {} flow gets no refresh token",
                self.flow
            ));
        }
        if self.flow.is_pasted() {
            if self.dpop != DpopMode::Never {
                return Err(format!(
                    "dpop = \"{}\" needs a login flow: a pasted {} is not bound to a key; remove the setting",
                    self.dpop,
                    if self.flow == Flow::ApiKey { "API key" } else { "token" }
                ));
            }
            if !self.token_field.is_default() {
                return Err(format!(
                    "token_field applies to a provider's token responses; flow '{}' takes a pasted token",
                    self.flow
                ));
            }
            if !self.exchange.is_empty() {
                return Err(format!(
                    "exchange targets need an OAuth client at a token endpoint; flow '{}' has none",
                    self.flow
                ));
            }
            return self.validate_accounts();
        }
        if self.dpop == DpopMode::Auto && self.issuer.is_none() {
            return Err("dpop = \"auto\" decides from the issuer's metadata, and the service has no `issuer`: set it, or use dpop = \"always\"".into());
        }
        for (name, target) in &self.exchange {
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            {
                return Err(format!(
                    "exchange target name '{name}' may only hold letters, digits, '-', '_' and '.'"
                ));
            }
            target
                .check()
                .map_err(|m| format!("exchange target '{name}' {m}"))?;
        }
        // A public client of a password grant may have no id (RFC 6749 §4.3.2).
        let public_password =
            self.flow == Flow::Password && !self.effective_client_auth().is_confidential();
        if self.client_id.trim().is_empty() && !public_password {
            return Err("client_id is empty".into());
        }
        let need = |present: bool, what: &str| {
            if present || self.issuer.is_some() {
                Ok(())
            } else {
                Err(format!(
                    "flow '{}' needs `issuer` (for discovery) or `endpoints.{what}`",
                    self.flow
                ))
            }
        };
        need(self.endpoints.token.is_some(), "token")?;
        match self.flow {
            Flow::AuthCode => need(self.endpoints.authorization.is_some(), "authorization")?,
            Flow::Device => need(
                self.endpoints.device_authorization.is_some(),
                "device_authorization",
            )?,
            Flow::ClientCredentials | Flow::Password | Flow::Bearer | Flow::ApiKey => {}
        }
        if let Some(device) = &self.device {
            if device.protocol == DeviceProtocol::Autolab
                && (device.poll.is_none() || device.redirect_uri.is_none())
            {
                return Err(
                    "device protocol 'autolab' needs device.poll and device.redirect_uri".into(),
                );
            }
        }
        if self.flow == Flow::ClientCredentials && self.effective_client_auth() == ClientAuth::None
        {
            return Err("flow 'client-credentials' needs a client_auth other than 'none' (client_secret_basic, client_secret_post, client_secret_jwt or private_key_jwt)".into());
        }
        if self.assertion_audience == AssertionAudience::Issuer && self.issuer.is_none() {
            return Err("assertion_audience 'issuer' needs `issuer`".into());
        }
        if !(self.redirect.path.is_empty() || self.redirect.path.starts_with('/')) {
            return Err(format!(
                "redirect.path '{}' must be empty or start with '/'",
                self.redirect.path
            ));
        }
        self.validate_accounts()
    }

    fn validate_accounts(&self) -> std::result::Result<(), String> {
        let mut seen = std::collections::BTreeSet::new();
        for account in &self.accounts {
            if !seen.insert(account.name.as_str()) {
                return Err(format!("account '{}' is listed twice", account.name));
            }
        }
        Ok(())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    services: BTreeMap<ServiceId, toml::Spanned<Service>>,
}

/// Parses the text of a services file; `path` is only used in error messages.
pub fn parse(path: &Path, text: &str) -> Result<Config> {
    let raw: RawConfig = toml::from_str(text)
        .map_err(|e| syntax_error(path, text, e.span(), e.message().trim_end().to_owned()))?;
    let mut services = BTreeMap::new();
    for (id, spanned) in raw.services {
        let span = spanned.span();
        let service = spanned.into_inner();
        service
            .validate()
            .map_err(|m| syntax_error(path, text, Some(span), format!("service '{id}': {m}")))?;
        services.insert(id, service);
    }
    Ok(Config { services })
}

/// The file's bytes as text; bytes that are not UTF-8 (a corrupted or binary file) are a
/// syntax error at their line and column, like any other mistake in the file.
fn decode_text(path: &Path, bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        let before = String::from_utf8_lossy(&bytes[..valid]);
        syntax_error(
            path,
            &before,
            Some(valid..valid),
            "the file is not UTF-8 text (corrupted?): fix or remove it".to_owned(),
        )
    })
}

pub(crate) fn syntax_error(
    path: &Path,
    text: &str,
    span: Option<Range<usize>>,
    message: String,
) -> Error {
    // The message may quote the bad value; the position says where it is, and the value
    // could be a secret typed in the wrong place: it is never quoted back.
    // (Only a string value is left out: a key the message names, like an unknown field,
    // is what the user needs to see.)
    let message = match span.as_ref().and_then(|s| text.get(s.clone())) {
        Some(raw) if raw.trim_start().starts_with(['"', '\'']) => {
            without_value(&message, raw.trim().trim_matches(['"', '\'']))
        }
        _ => message,
    };
    let offset = span.map_or(0, |s| s.start.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Error::ConfigSyntax {
        path: path.to_owned(),
        line,
        column,
        message,
    }
}

/// `message` without any quoted copy of `value` ('…', "…" or `…`).
fn without_value(message: &str, value: &str) -> String {
    if value.is_empty() {
        return message.to_owned();
    }
    let mut out = message.to_owned();
    for (open, close) in [("'", "'"), ("\"", "\""), ("`", "`")] {
        out = out.replace(&format!("{open}{value}{close}"), &format!("{open}…{close}"));
    }
    out
}

/// The services file on disk: reads it and applies edits to it.
#[derive(Debug, Clone)]
pub struct ConfigFile {
    path: PathBuf,
}

impl ConfigFile {
    pub fn new(path: PathBuf) -> Self {
        ConfigFile { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The configuration; an absent file is an empty configuration.
    pub fn load(&self) -> Result<Config> {
        match self.read_text()? {
            Some(text) => parse(&self.path, &text),
            None => Ok(Config::default()),
        }
    }

    fn read_text(&self) -> Result<Option<String>> {
        match std::fs::read(&self.path) {
            Ok(bytes) => decode_text(&self.path, bytes).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io("read", &self.path, e)),
        }
    }

    /// Adds or replaces the service `id`, keeping the rest of the file as written.
    pub fn upsert_service(&self, id: &ServiceId, service: &Service) -> Result<()> {
        let item = to_item(service)?;
        self.edit(|doc| {
            services_table(doc)?.insert(id.as_str(), item);
            Ok(())
        })
    }

    /// Removes the service `id`; an error when it is not configured.
    pub fn remove_service(&self, id: &str) -> Result<()> {
        self.edit(|doc| {
            services_table(doc)?
                .remove(id)
                .map(|_| ())
                .ok_or_else(|| Error::UnknownService(id.to_owned()))
        })
    }

    /// Adds `account` to service `id` unless an account of that name exists.
    pub fn ensure_account(&self, id: &str, account: &Account) -> Result<()> {
        let config = self.load()?;
        let service = config.service(id)?;
        if service.account(account.name.as_str()).is_some() {
            return Ok(());
        }
        let mut updated = service.clone();
        if updated.accounts.is_empty() && account.name.as_str() != DEFAULT_ACCOUNT {
            // The implied default account becomes explicit so it is not lost.
            updated.accounts.push(Account {
                name: AccountName::default_account(),
                username: None,
            });
        }
        updated.accounts.push(account.clone());
        let key = ServiceId::parse(id).map_err(Error::Config)?;
        self.upsert_service(&key, &updated)
    }

    /// Removes account `name` from service `id`. A service keeps at least one account:
    /// removing its last one is an error (remove the service instead).
    pub fn remove_account(&self, id: &str, name: &str) -> Result<()> {
        let config = self.load()?;
        let service = config.service(id)?;
        service.check_removable(id, name)?;
        let mut updated = service.clone();
        updated.accounts.retain(|a| a.name.as_str() != name);
        let key = ServiceId::parse(id).map_err(Error::Config)?;
        self.upsert_service(&key, &updated)
    }

    /// Reads, edits and atomically rewrites the file under a lock. The file must parse
    /// before the edit (a broken file is never overwritten) and after it.
    fn edit(&self, change: impl FnOnce(&mut toml_edit::DocumentMut) -> Result<()>) -> Result<()> {
        let dir = self
            .path
            .parent()
            .ok_or_else(|| Error::Local(format!("{} has no directory", self.path.display())))?;
        paths::ensure_private_dir(dir)?;
        let _lock = paths::lock_exclusive(&dir.join(".services.lock"))?;
        let text = self.read_text()?.unwrap_or_default();
        parse(&self.path, &text)?;
        let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
            syntax_error(&self.path, &text, e.span(), e.message().to_owned())
        })?;
        change(&mut doc)?;
        let new_text = doc.to_string();
        parse(&self.path, &new_text)?;
        paths::write_atomic(&self.path, new_text.as_bytes())
    }
}

fn services_table(doc: &mut toml_edit::DocumentMut) -> Result<&mut toml_edit::Table> {
    let entry = doc.as_table_mut().entry("services").or_insert_with(|| {
        let mut t = toml_edit::Table::new();
        t.set_implicit(true);
        toml_edit::Item::Table(t)
    });
    entry
        .as_table_mut()
        .ok_or_else(|| Error::Config("`services` in services.toml must be a table".into()))
}

fn to_item(service: &Service) -> Result<toml_edit::Item> {
    let doc = toml_edit::ser::to_document(service)
        .map_err(|e| Error::Local(format!("could not write the service as TOML: {e}")))?;
    let mut table = doc.as_table().clone();
    table.set_implicit(false);
    for (_, item) in table.iter_mut() {
        if let Some(inline) = item.as_inline_table_mut() {
            let sub = inline.clone().into_table();
            *item = toml_edit::Item::Table(sub);
        }
    }
    Ok(toml_edit::Item::Table(table))
}

#[cfg(test)]
mod tests;
