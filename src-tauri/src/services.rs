//! Adding services from the app (from a preset, by hand, or from an issuer's metadata),
//! editing them, and adding or removing accounts.

use authdeck_core::config::{
    check_secrets, presets, Field, FieldError, Flow, SecretsGiven, ServiceDraft, ServiceEdit,
    ServiceId,
};
use authdeck_core::secret::{AccessToken, ClientSecret, Password};
use authdeck_core::vault::{SecretKey, SecretKind};
use authdeck_core::{discovery, Error, Result};

use crate::dto::{
    DiscoveredEndpoints, ImportRequest, NewAccount, NewServiceFromPreset, NewServiceManual,
    OpenApiView, ProposalView, ServiceSettings, ServiceUpdate,
};
use crate::state::{account_name, service_id, AppState};
use authdeck_core::config::team;
use authdeck_core::ids::AccountRef;
use authdeck_core::openapi::{self, Completion, Proposal, Source};
use std::path::Path;

/// A secret typed in a form, as the secret type `kind` makes of it (`None` when empty).
fn secret<S>(value: Option<String>, kind: impl FnOnce(String) -> S) -> Option<S> {
    value.filter(|v| !v.is_empty()).map(kind)
}

/// The form label of `field`, which names it in errors.
fn label(field: Field) -> Option<&'static str> {
    Some(match field {
        Field::Name => "Display name",
        Field::Flow => "Login flow",
        Field::Issuer => "Issuer URL",
        Field::AuthorizationUrl => "Authorization endpoint",
        Field::TokenUrl => "Token endpoint",
        Field::DeviceUrl => "Device authorization endpoint",
        Field::RevocationUrl => "Revocation endpoint",
        Field::ClientId => "Client id",
        Field::ClientAuth => "Client authentication",
        Field::ClientSecret => "Client secret",
        Field::Scopes => "Scopes",
        Field::Ports => "Redirect ports",
        Field::RedirectHost => "Redirect host",
        Field::RedirectPath => "Redirect path",
        Field::DocsUrl => "API docs URL",
        Field::ApiBase => "API base URL",
        Field::Username => "User name",
        Field::Password => "Password",
        Field::RefreshTokenLifetime => "Refresh token lifetime",
        Field::Settings => return None,
    })
}

fn labelled(e: FieldError) -> Error {
    e.into_error(label)
}

/// Adds a service from a preset; the typed secrets go straight to the keyring.
pub async fn add_from_preset(state: &AppState, req: NewServiceFromPreset) -> Result<()> {
    let id = ServiceId::parse(&req.id).map_err(Error::Config)?;
    let preset = presets::find(&req.preset)?;
    let mut settings: Vec<(String, String)> = req
        .settings
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .collect();
    if let Some(u) = req.username.filter(|u| !u.trim().is_empty()) {
        settings.push(("username".into(), u));
    }
    let service = preset.build(&settings)?;
    let client_secret = secret(req.client_secret, ClientSecret::new);
    let password = secret(req.password, Password::new);
    let given = SecretsGiven {
        client_secret: client_secret.is_some(),
        password: password.is_some(),
    };
    check_secrets(&service, given, preset.needs_password).map_err(labelled)?;
    state
        .broker
        .add_service(&id, &service, false, client_secret, password)
        .await
}

/// Adds a service described field by field.
pub async fn add_manual(state: &AppState, req: NewServiceManual) -> Result<()> {
    let id = ServiceId::parse(&req.id).map_err(Error::Config)?;
    let service = ServiceDraft {
        username: req.username,
        ..ServiceDraft::new(Flow::from(req.flow), ServiceEdit::from(req.fields))
    }
    .build()
    .map_err(labelled)?;
    let client_secret = secret(req.client_secret, ClientSecret::new);
    let password = secret(req.password, Password::new);
    let given = SecretsGiven {
        client_secret: client_secret.is_some(),
        password: password.is_some(),
    };
    check_secrets(&service, given, false).map_err(labelled)?;
    state
        .broker
        .add_service(&id, &service, false, client_secret, password)
        .await
}

/// The endpoints an issuer advertises.
pub async fn discover(state: &AppState, issuer: &str) -> Result<DiscoveredEndpoints> {
    let url = url::Url::parse(issuer.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .ok_or_else(|| Error::Config(format!("issuer: '{issuer}' is not an http(s) URL")))?;
    let metadata = discovery::discover(state.broker.http(), &url).await?;
    Ok(DiscoveredEndpoints::from(&metadata))
}

/// The editable settings of service `id`.
pub async fn settings_of(state: &AppState, service_id: &ServiceId) -> Result<ServiceSettings> {
    let id = service_id.as_str();
    let config = state.broker.load_config()?;
    let service = config.service(id)?;
    let has_client_secret = state
        .broker
        .has_secret(SecretKey::service(service_id, SecretKind::ClientSecret))
        .await?;
    Ok(ServiceSettings {
        id: id.to_owned(),
        flow: service.flow.into(),
        preset: service.preset.clone(),
        fields: ServiceEdit::of(service).into(),
        has_client_secret,
        accounts: service.account_names(),
    })
}

/// Applies the edit form to service `req.id`, keeping everything the form does not show
/// (flow, a preset's quirks, accounts, tokens). A new client secret is stored first.
pub async fn update(state: &AppState, req: ServiceUpdate) -> Result<()> {
    let id = ServiceId::parse(&req.id).map_err(Error::Config)?;
    let config = state.broker.load_config()?;
    let service = ServiceEdit::from(req.fields)
        .apply(config.service(id.as_str())?)
        .map_err(labelled)?;
    let client_secret = secret(req.client_secret, ClientSecret::new);
    // A secret already in the keyring counts as given: it is kept.
    let stored = client_secret.is_none()
        && service.effective_client_auth().needs_secret()
        && state
            .broker
            .has_secret(SecretKey::service(&id, SecretKind::ClientSecret))
            .await?;
    let given = SecretsGiven {
        client_secret: client_secret.is_some() || stored,
        password: false,
    };
    check_secrets(&service, given, false).map_err(labelled)?;
    state
        .broker
        .add_service(&id, &service, true, client_secret, None)
        .await
}

/// Adds an account to a service; a typed password goes straight to the keyring.
pub async fn add_account(state: &AppState, req: NewAccount) -> Result<()> {
    state
        .broker
        .add_account(
            &service_id(&req.service)?,
            &account_name(req.account.trim())?,
            req.username,
            secret(req.password, Password::new),
        )
        .await
}

/// The text at `source` (URL or file).
async fn fetch(state: &AppState, source: &str) -> Result<openapi::Fetched> {
    let source = Source::from_arg(source.trim())?;
    openapi::fetch(state.broker.http(), &source).await
}

/// The document at `source`, parsed and proposed.
async fn proposals(state: &AppState, source: &str) -> Result<(openapi::ApiDoc, Vec<Proposal>)> {
    let fetched = fetch(state, source).await?;
    let doc = openapi::parse(&fetched.text, fetched.url.as_ref())?;
    let mut proposals = openapi::propose(&doc);
    openapi::with_metadata(state.broker.http(), &mut proposals).await;
    Ok((doc, proposals))
}

/// What an OpenAPI document offers, one proposal per security scheme; for a team file,
/// the services it defines.
pub async fn read_openapi(state: &AppState, source: &str) -> Result<OpenApiView> {
    let fetched = fetch(state, source).await?;
    if team::looks_like_team_file(&fetched.text) {
        let config = team::parse_team_file(Path::new(source.trim()), &fetched.text)?;
        return Ok(OpenApiView {
            title: Some("A team file of service definitions".into()),
            team_services: config.services.keys().map(ToString::to_string).collect(),
            warnings: Vec::new(),
            proposals: Vec::new(),
        });
    }
    let doc = openapi::parse(&fetched.text, fetched.url.as_ref())?;
    let mut proposals = openapi::propose(&doc);
    openapi::with_metadata(state.broker.http(), &mut proposals).await;
    Ok(OpenApiView {
        title: doc.title.clone(),
        team_services: Vec::new(),
        warnings: doc.warnings.clone(),
        proposals: proposals.iter().map(ProposalView::from).collect(),
    })
}

/// Adds every service of the team file at `source`. Services that exist already are
/// not replaced: the import is refused before anything changes.
pub async fn import_team(state: &AppState, source: &str) -> Result<Vec<String>> {
    let fetched = fetch(state, source).await?;
    if !team::looks_like_team_file(&fetched.text) {
        return Err(Error::Config(format!(
            "{} is not a team file (a TOML file with [services], from Share): read it as an OpenAPI document instead",
            source.trim()
        )));
    }
    let team = team::parse_team_file(Path::new(source.trim()), &fetched.text)?;
    let existing = state.broker.load_config()?;
    let clashes: Vec<String> = team
        .services
        .keys()
        .filter(|id| existing.service(id.as_str()).is_ok())
        .map(ToString::to_string)
        .collect();
    if !clashes.is_empty() {
        return Err(Error::Config(format!(
            "already configured: {}. Remove them first, then import the file again",
            clashes.join(", ")
        )));
    }
    let mut added = Vec::new();
    for (id, service) in &team.services {
        state
            .broker
            .add_service(id, service, false, None, None)
            .await?;
        added.push(id.to_string());
    }
    Ok(added)
}

/// Every service definition as a team file (no secret, no account).
pub fn export(state: &AppState) -> Result<(usize, String)> {
    let config = state.broker.load_config()?;
    Ok((config.services.len(), team::export(&config, &[])?))
}

/// Creates the service proposed for `req.scheme`. The document is read again, so what
/// is created is what the document says now.
pub async fn import_openapi(state: &AppState, req: ImportRequest) -> Result<()> {
    let (_, proposals) = proposals(state, &req.source).await?;
    let chosen = proposals
        .iter()
        .find(|p| p.scheme == req.scheme)
        .ok_or_else(|| {
            Error::Config(format!(
                "the document no longer has the security scheme '{}': read it again",
                req.scheme
            ))
        })?;
    let client_secret = secret(req.client_secret, ClientSecret::new);
    let nonempty = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let input = Completion {
        id: nonempty(Some(req.id)),
        client_id: nonempty(req.client_id),
        client_secret: client_secret.is_some(),
        username: nonempty(req.username),
        scopes: (!req.scopes.is_empty()).then_some(req.scopes),
        token_url: nonempty(req.token_url),
    };
    let (id, service) = chosen.complete(&input)?;
    state
        .broker
        .add_service(&id, &service, false, client_secret, None)
        .await
}

/// Stores a pasted token or API key for a `bearer` / `api-key` service's account.
pub async fn store_pasted(state: &AppState, target: &AccountRef, token: String) -> Result<()> {
    let token = secret(Some(token.trim().to_owned()), AccessToken::new)
        .ok_or_else(|| Error::Config("nothing was pasted: paste the token or API key".into()))?;
    state
        .broker
        .store_pasted(&target.service, Some(&target.account), token)
        .await
        .map(|_| ())
}
