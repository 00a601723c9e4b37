//! Sharing service definitions with a team: `authdeck service export` writes services as
//! a TOML file of the same shape as `services.toml`, without accounts (user names are
//! personal) and never with a secret (services.toml holds none; parameters whose name
//! says "secret" or "password" are refused), and `authdeck service import` reads it back.

use std::path::Path;

use super::{parse, to_item, Config, Service, ServiceId};
use crate::error::{Error, Result};

/// Whether `text` is a team file (TOML with a `[services]` table) rather than an
/// OpenAPI document.
pub fn looks_like_team_file(text: &str) -> bool {
    toml::from_str::<toml::Table>(text).is_ok_and(|t| t.contains_key("services"))
}

/// The services `ids` (all when empty) as a team file.
pub fn export(config: &Config, ids: &[ServiceId]) -> Result<String> {
    let mut doc = toml_edit::DocumentMut::new();
    let mut services = toml_edit::Table::new();
    services.set_implicit(true);
    let chosen: Vec<(&ServiceId, &Service)> = if ids.is_empty() {
        config.services.iter().collect()
    } else {
        ids.iter()
            .map(|id| {
                config
                    .services
                    .iter()
                    .find(|(k, _)| *k == id)
                    .ok_or_else(|| Error::UnknownService(id.to_string()))
            })
            .collect::<Result<Vec<_>>>()?
    };
    if chosen.is_empty() {
        return Err(Error::Config(
            "no services are configured: there is nothing to export".into(),
        ));
    }
    for (id, service) in chosen {
        let shared = definition_only(id, service)?;
        services.insert(id.as_str(), to_item(&shared)?);
    }
    doc.insert("services", toml_edit::Item::Table(services));
    let header = "# Authdeck service definitions, shared without secrets or accounts.\n\
                  # Import with `authdeck service import <this file>`; each person then adds\n\
                  # their own client secret (if any) with `authdeck service secret` and logs in.\n";
    Ok(format!("{header}{doc}"))
}

/// The service without accounts; an error if a parameter looks like a secret.
fn definition_only(id: &ServiceId, service: &Service) -> Result<Service> {
    let params = service
        .authorize_params
        .keys()
        .chain(service.token_params.keys())
        .chain(service.refresh_params.keys());
    for key in params {
        let k = key.to_ascii_lowercase();
        if ["secret", "password", "api_key", "apikey"]
            .iter()
            .any(|s| k.contains(s))
        {
            return Err(Error::Config(format!(
                "service '{id}' has a parameter '{key}' that looks like a secret: secrets belong in the keyring, not in a shared file: remove it from services.toml and export again"
            )));
        }
    }
    let mut shared = service.clone();
    shared.accounts.clear();
    Ok(shared)
}

/// Reads a team file (strictly, errors at line and column); accounts are dropped.
pub fn parse_team_file(origin: &Path, text: &str) -> Result<Config> {
    let mut config = parse(origin, text)?;
    for service in config.services.values_mut() {
        service.accounts.clear();
    }
    Ok(config)
}
