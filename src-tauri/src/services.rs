//! Adding services from the app: from a preset, by hand, or from an issuer's metadata.

use authdeck_core::config::{presets, ServiceDraft, ServiceId};
use authdeck_core::{discovery, Error, Result, Secret};

use crate::dto::{DiscoveredEndpoints, NewServiceFromPreset, NewServiceManual};
use crate::state::AppState;

fn secret(value: Option<String>) -> Option<Secret<String>> {
    value.filter(|v| !v.is_empty()).map(Secret::new)
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
    let client_secret = secret(req.client_secret);
    let password = secret(req.password);
    if preset.needs_client_secret && client_secret.is_none() {
        return Err(Error::Config(format!(
            "{} needs its client secret",
            preset.title
        )));
    }
    if preset.needs_password && password.is_none() {
        return Err(Error::Config(format!(
            "{} needs the account's password",
            preset.title
        )));
    }
    state
        .broker
        .add_service(&id, &service, false, client_secret, password)
        .await
}

/// Adds a service described field by field.
pub async fn add_manual(state: &AppState, req: NewServiceManual) -> Result<()> {
    let id = ServiceId::parse(&req.id).map_err(Error::Config)?;
    let service = ServiceDraft {
        name: req.name,
        flow: req.flow,
        issuer: req.issuer,
        auth_url: req.authorization_url,
        token_url: req.token_url,
        device_url: req.device_url,
        revoke_url: req.revocation_url,
        client_id: req.client_id,
        client_auth: Some(req.client_auth),
        scopes: req.scopes,
        docs_url: req.docs_url,
        api_base: req.api_base,
        username: req.username,
        ..ServiceDraft::default()
    }
    .build()?;
    let client_secret = secret(req.client_secret);
    if service.effective_client_auth().needs_secret() && client_secret.is_none() {
        return Err(Error::Config(
            "client secret: this client authentication needs the client secret".into(),
        ));
    }
    state
        .broker
        .add_service(&id, &service, false, client_secret, secret(req.password))
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
