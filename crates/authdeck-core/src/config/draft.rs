//! The rules of creating and editing a service field by field (command-line flags, a form
//! in the app), in one place: [`ServiceDraft`] makes a new [`Service`], [`ServiceEdit`]
//! changes the settings a form shows on an existing one, and [`check_secrets`] says which
//! secrets must come with it. Every error is a [`FieldError`] that names its [`Field`];
//! each front words the field itself (the CLI by its flag, the app by its label).

use std::collections::BTreeMap;
use std::fmt;

use super::{
    Account, AccountName, ClientAuth, Endpoints, Flow, HttpUrl, Lifetime, PortList, Redirect,
    RedirectHost, Service,
};
use crate::error::Error;

/// A field of a service's form (or a command-line flag).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    Flow,
    Issuer,
    AuthorizationUrl,
    TokenUrl,
    DeviceUrl,
    RevocationUrl,
    ClientId,
    ClientAuth,
    ClientSecret,
    Scopes,
    Ports,
    RedirectHost,
    RedirectPath,
    DocsUrl,
    ApiBase,
    Username,
    Password,
    /// How long the provider's refresh tokens live (when it does not say).
    RefreshTokenLifetime,
    /// The settings together (a rule no one field breaks, e.g. a device flow with
    /// neither an issuer nor a device endpoint).
    Settings,
}

/// A field whose value is wrong or missing, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    /// What is wrong, without the field's name.
    pub message: String,
}

impl FieldError {
    fn new(field: Field, message: impl Into<String>) -> Self {
        FieldError {
            field,
            message: message.into(),
        }
    }

    /// The core error, with the field named as `name` calls it (`None`: no prefix).
    pub fn into_error(self, name: impl FnOnce(Field) -> Option<&'static str>) -> Error {
        match name(self.field) {
            Some(name) => Error::Config(format!("{name}: {}", self.message)),
            None => Error::Config(self.message),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FieldError {}

/// The fields of a new service: the closed choices typed, the rest as text.
#[derive(Debug, Clone, Default)]
pub struct ServiceDraft {
    pub name: Option<String>,
    pub flow: Flow,
    pub issuer: Option<String>,
    pub auth_url: Option<String>,
    pub token_url: Option<String>,
    pub device_url: Option<String>,
    pub revoke_url: Option<String>,
    pub client_id: String,
    /// `None`: the flow's default ([`Service::effective_client_auth`]).
    pub client_auth: Option<ClientAuth>,
    pub scopes: Vec<String>,
    pub authorize_params: Vec<(String, String)>,
    pub token_params: Vec<(String, String)>,
    pub ports: Option<String>,
    pub redirect_host: Option<String>,
    pub redirect_path: Option<String>,
    pub docs_url: Option<String>,
    pub api_base: Option<String>,
    pub username: Option<String>,
    /// How long the provider's refresh tokens live when its answers do not say (`30d`).
    pub refresh_token_lifetime: Option<String>,
}

/// The settings an edit form shows of an existing service: the client authentication
/// typed, the rest as text. What it does not show (flow, a preset's quirks, accounts,
/// Swagger scheme) is kept.
#[derive(Debug, Clone)]
pub struct ServiceEdit {
    pub name: Option<String>,
    pub issuer: Option<String>,
    pub auth_url: Option<String>,
    pub token_url: Option<String>,
    pub device_url: Option<String>,
    pub revoke_url: Option<String>,
    pub client_id: String,
    pub client_auth: ClientAuth,
    pub scopes: Vec<String>,
    pub docs_url: Option<String>,
    pub api_base: Option<String>,
}

/// An optional URL field: blank means "not set"; a bad URL is an error of `field`.
fn optional_url(value: &Option<String>, field: Field) -> Result<Option<HttpUrl>, FieldError> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| HttpUrl::parse(v).map_err(|e| FieldError::new(field, e)))
        .transpose()
}

/// A refresh token's known lifetime: blank means unknown; only for flows that get one.
fn refresh_lifetime(value: &Option<String>, flow: Flow) -> Result<Option<Lifetime>, FieldError> {
    let Some(text) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if flow.is_pasted() || flow == Flow::ClientCredentials {
        return Err(FieldError::new(
            Field::RefreshTokenLifetime,
            format!("the {flow} flow gets no refresh token, so it has no refresh-token lifetime"),
        ));
    }
    text.parse::<Lifetime>()
        .map(Some)
        .map_err(|e| FieldError::new(Field::RefreshTokenLifetime, e))
}

/// The display name: blank means none (the id is shown).
fn name(value: &Option<String>) -> Option<String> {
    value.clone().filter(|n| !n.trim().is_empty())
}

/// The client id, which every flow but the pasted ones needs.
fn client_id(flow: Flow, value: &str) -> Result<String, FieldError> {
    let value = value.trim();
    if value.is_empty() && !flow.is_pasted() {
        return Err(FieldError::new(
            Field::ClientId,
            format!("the {flow} flow needs the client id registered at the provider (only bearer and api-key services have no OAuth client)"),
        ));
    }
    Ok(value.to_owned())
}

/// The scopes, blank ones left out.
fn scopes(values: &[String]) -> Vec<String> {
    values
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A flow that logs in at a provider needs its endpoints: an issuer, or a token URL.
fn endpoints_given(
    flow: Flow,
    issuer: &Option<HttpUrl>,
    endpoints: &Endpoints,
) -> Result<(), FieldError> {
    if !flow.is_pasted() && issuer.is_none() && endpoints.token.is_none() {
        return Err(FieldError::new(
            Field::Issuer,
            "give an issuer URL (endpoints are discovered) or a token URL (and the other endpoints the flow needs)",
        ));
    }
    Ok(())
}

/// What [`Service::validate`] says of the whole.
fn validated(service: Service) -> Result<Service, FieldError> {
    service
        .validate()
        .map_err(|m| FieldError::new(Field::Settings, m))?;
    Ok(service)
}

impl ServiceDraft {
    /// The service, validated.
    pub fn build(&self) -> Result<Service, FieldError> {
        let flow = self.flow;
        let client_id = client_id(flow, &self.client_id)?;
        let issuer = optional_url(&self.issuer, Field::Issuer)?;
        let endpoints = Endpoints {
            authorization: optional_url(&self.auth_url, Field::AuthorizationUrl)?,
            token: optional_url(&self.token_url, Field::TokenUrl)?,
            device_authorization: optional_url(&self.device_url, Field::DeviceUrl)?,
            revocation: optional_url(&self.revoke_url, Field::RevocationUrl)?,
            ..Endpoints::default()
        };
        endpoints_given(flow, &issuer, &endpoints)?;
        let mut redirect = Redirect::default();
        if let Some(p) = &self.ports {
            redirect.ports = PortList::parse(p).map_err(|e| FieldError::new(Field::Ports, e))?;
        }
        if let Some(h) = &self.redirect_host {
            redirect.host = h
                .parse::<RedirectHost>()
                .map_err(|e| FieldError::new(Field::RedirectHost, e))?;
        }
        if let Some(p) = &self.redirect_path {
            redirect.path = p.clone();
            if !(p.is_empty() || p.starts_with('/')) {
                return Err(FieldError::new(
                    Field::RedirectPath,
                    format!("'{p}' must be empty or start with '/'"),
                ));
            }
        }
        let username = self
            .username
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty());
        if flow == Flow::Password && username.is_none() {
            return Err(FieldError::new(
                Field::Username,
                "the password flow needs a user name",
            ));
        }
        let refresh_token_lifetime = refresh_lifetime(&self.refresh_token_lifetime, flow)?;
        validated(Service {
            name: name(&self.name),
            refresh_token_lifetime,
            docs_url: optional_url(&self.docs_url, Field::DocsUrl)?,
            api_base: optional_url(&self.api_base, Field::ApiBase)?,
            flow,
            issuer,
            endpoints,
            client_id,
            client_auth: self.client_auth,
            scopes: scopes(&self.scopes),
            authorize_params: self
                .authorize_params
                .iter()
                .cloned()
                .collect::<BTreeMap<_, _>>(),
            token_params: self
                .token_params
                .iter()
                .cloned()
                .collect::<BTreeMap<_, _>>(),
            redirect,
            accounts: username
                .map(|u| {
                    vec![Account {
                        name: AccountName::default_account(),
                        username: Some(u.to_owned()),
                    }]
                })
                .unwrap_or_default(),
            ..Service::default()
        })
    }
}

impl ServiceDraft {
    /// A draft of a new `flow` service with the settings an edit form shows; the rest
    /// (parameters, redirect, user name) unset.
    pub fn new(flow: Flow, settings: ServiceEdit) -> Self {
        ServiceDraft {
            name: settings.name,
            flow,
            issuer: settings.issuer,
            auth_url: settings.auth_url,
            token_url: settings.token_url,
            device_url: settings.device_url,
            revoke_url: settings.revoke_url,
            client_id: settings.client_id,
            client_auth: Some(settings.client_auth),
            scopes: settings.scopes,
            docs_url: settings.docs_url,
            api_base: settings.api_base,
            ..ServiceDraft::default()
        }
    }
}

impl ServiceEdit {
    /// The settings of `service` as an edit form shows them.
    pub fn of(service: &Service) -> Self {
        let text = |url: &Option<HttpUrl>| url.as_ref().map(ToString::to_string);
        ServiceEdit {
            name: service.name.clone(),
            issuer: text(&service.issuer),
            auth_url: text(&service.endpoints.authorization),
            token_url: text(&service.endpoints.token),
            device_url: text(&service.endpoints.device_authorization),
            revoke_url: text(&service.endpoints.revocation),
            client_id: service.client_id.clone(),
            client_auth: service.effective_client_auth(),
            scopes: service.scopes.clone(),
            docs_url: text(&service.docs_url),
            api_base: text(&service.api_base),
        }
    }

    /// `service` with this form's settings, validated by the same rules as a new one.
    pub fn apply(&self, service: &Service) -> Result<Service, FieldError> {
        let mut service = service.clone();
        service.name = name(&self.name);
        service.issuer = optional_url(&self.issuer, Field::Issuer)?;
        service.endpoints.authorization = optional_url(&self.auth_url, Field::AuthorizationUrl)?;
        service.endpoints.token = optional_url(&self.token_url, Field::TokenUrl)?;
        service.endpoints.device_authorization = optional_url(&self.device_url, Field::DeviceUrl)?;
        service.endpoints.revocation = optional_url(&self.revoke_url, Field::RevocationUrl)?;
        service.docs_url = optional_url(&self.docs_url, Field::DocsUrl)?;
        service.api_base = optional_url(&self.api_base, Field::ApiBase)?;
        endpoints_given(service.flow, &service.issuer, &service.endpoints)?;
        service.client_id = client_id(service.flow, &self.client_id)?;
        service.client_auth = Some(self.client_auth);
        service.scopes = scopes(&self.scopes);
        validated(service)
    }
}

/// The secrets that come with a new or edited service (they go to the keyring, never
/// into its settings): whether each is given now — or, for an edit, already stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SecretsGiven {
    pub client_secret: bool,
    pub password: bool,
}

/// Checks the secrets that come with `service`: its client secret when its client
/// authentication needs one, the account's password when `password_needed` (a preset
/// that logs in with one), and no password for a flow that takes none.
pub fn check_secrets(
    service: &Service,
    given: SecretsGiven,
    password_needed: bool,
) -> Result<(), FieldError> {
    let auth = service.effective_client_auth();
    if auth.needs_secret() && !given.client_secret {
        return Err(FieldError::new(
            Field::ClientSecret,
            format!("client authentication '{auth}' needs the client secret"),
        ));
    }
    if given.password && service.flow != Flow::Password {
        return Err(FieldError::new(
            Field::Password,
            format!(
                "the {} flow takes no password (only the password flow does)",
                service.flow
            ),
        ));
    }
    if password_needed && !given.password {
        return Err(FieldError::new(
            Field::Password,
            "the account's password is needed to log in with this service",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> ServiceDraft {
        ServiceDraft {
            flow: Flow::ClientCredentials,
            token_url: Some("https://id.test/token".into()),
            client_id: "c".into(),
            client_auth: Some(ClientAuth::ClientSecretPost),
            scopes: vec!["a".into(), " ".into()],
            ..ServiceDraft::default()
        }
    }

    fn field_of(result: Result<Service, FieldError>) -> Field {
        result.expect_err("invalid").field
    }

    #[test]
    fn builds_and_names_the_bad_field() {
        let s = draft().build().expect("valid");
        assert_eq!(s.effective_client_auth(), ClientAuth::ClientSecretPost);
        assert_eq!(s.scopes, vec!["a"]);
        let with = |change: fn(&mut ServiceDraft)| {
            let mut d = draft();
            change(&mut d);
            d.build()
        };
        assert_eq!(
            field_of(with(|d| d.docs_url = Some("ftp://x".into()))),
            Field::DocsUrl
        );
        assert_eq!(field_of(with(|d| d.flow = Flow::Password)), Field::Username);
        assert_eq!(field_of(with(|d| d.token_url = None)), Field::Issuer);
        assert_eq!(
            field_of(with(|d| d.client_id = " ".into())),
            Field::ClientId
        );
        assert_eq!(
            field_of(with(|d| d.client_auth = Some(ClientAuth::None))),
            Field::Settings
        );
        assert_eq!(
            field_of(with(|d| d.redirect_path = Some("cb".into()))),
            Field::RedirectPath
        );
        assert_eq!(field_of(with(|d| d.ports = Some("x".into()))), Field::Ports);
        // A refresh-token lifetime: parsed, and only for flows with refresh tokens.
        assert_eq!(
            field_of(with(|d| d.refresh_token_lifetime = Some("30d".into()))),
            Field::RefreshTokenLifetime
        );
        let device = |lifetime: &str| {
            ServiceDraft {
                flow: Flow::AuthCode,
                auth_url: Some("https://id.test/authorize".into()),
                client_auth: None,
                refresh_token_lifetime: Some(lifetime.into()),
                ..draft()
            }
            .build()
        };
        assert_eq!(
            device(" 30d ")
                .expect("valid")
                .refresh_token_lifetime
                .map(Lifetime::secs),
            Some(30 * 86_400)
        );
        assert_eq!(device("").expect("blank").refresh_token_lifetime, None);
        assert_eq!(field_of(device("0")), Field::RefreshTokenLifetime);
        assert_eq!(field_of(device("3 weeks")), Field::RefreshTokenLifetime);
        // Pasted flows have no client and no endpoints.
        let pasted = ServiceDraft {
            flow: Flow::ApiKey,
            ..ServiceDraft::default()
        };
        assert_eq!(pasted.build().expect("valid").flow, Flow::ApiKey);
    }

    #[test]
    fn an_edit_keeps_what_the_form_does_not_show_and_follows_the_same_rules() {
        let mut before = draft().build().expect("valid");
        before.token_params.insert("resource".into(), "r".into());
        before.preset = Some("quamotion".into());
        let edit = ServiceEdit {
            name: Some("Lab".into()),
            issuer: None,
            auth_url: None,
            token_url: Some("https://id.test/v2/token".into()),
            device_url: None,
            revoke_url: None,
            client_id: " c2 ".into(),
            client_auth: ClientAuth::ClientSecretBasic,
            scopes: vec!["x".into(), "".into()],
            docs_url: None,
            api_base: None,
        };
        let after = edit.apply(&before).expect("valid");
        assert_eq!(after.name.as_deref(), Some("Lab"));
        assert_eq!(after.client_id, "c2");
        assert_eq!(after.scopes, vec!["x"]);
        assert_eq!(after.token_params, before.token_params);
        assert_eq!(after.preset, before.preset);
        assert_eq!(after.flow, before.flow);
        let bad = |change: fn(&mut ServiceEdit)| {
            let mut e = edit.clone();
            change(&mut e);
            e.apply(&before).expect_err("invalid").field
        };
        assert_eq!(bad(|e| e.client_id = "".into()), Field::ClientId);
        assert_eq!(bad(|e| e.token_url = None), Field::Issuer);
        assert_eq!(bad(|e| e.client_auth = ClientAuth::None), Field::Settings);
        assert_eq!(bad(|e| e.api_base = Some("x".into())), Field::ApiBase);
    }

    #[test]
    fn secrets_that_must_come_with_a_service() {
        let confidential = draft().build().expect("valid");
        let none = SecretsGiven::default();
        let secret = SecretsGiven {
            client_secret: true,
            password: false,
        };
        let both = SecretsGiven {
            client_secret: true,
            password: true,
        };
        assert_eq!(
            check_secrets(&confidential, none, false)
                .expect_err("secret")
                .field,
            Field::ClientSecret
        );
        assert_eq!(check_secrets(&confidential, secret, false), Ok(()));
        assert_eq!(
            check_secrets(&confidential, both, false)
                .expect_err("no password")
                .field,
            Field::Password
        );
        let password = ServiceDraft {
            flow: Flow::Password,
            username: Some("u".into()),
            ..draft()
        }
        .build()
        .expect("valid");
        assert_eq!(
            check_secrets(&password, secret, true)
                .expect_err("password")
                .field,
            Field::Password
        );
        assert_eq!(check_secrets(&password, both, true), Ok(()));
        assert_eq!(check_secrets(&password, secret, false), Ok(()));
        let public = ServiceDraft {
            client_auth: None,
            flow: Flow::AuthCode,
            auth_url: Some("https://id.test/authorize".into()),
            ..draft()
        }
        .build()
        .expect("valid");
        assert_eq!(check_secrets(&public, none, false), Ok(()));
        let err = check_secrets(&confidential, none, false)
            .expect_err("secret")
            .into_error(|_| Some("--client-secret-stdin"));
        assert!(
            err.to_string()
                .starts_with("--client-secret-stdin: client authentication"),
            "{err}"
        );
    }
}
