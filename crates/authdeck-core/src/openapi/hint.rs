//! Which box of a Swagger "Authorize" dialog a token goes into, and in what form.

use serde::Serialize;

use crate::config::{Flow, KeyLocation, Service, ServiceId, SwaggerKind};
use crate::format::TokenKind;

/// What to paste into a service's Swagger UI "Authorize" dialog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PasteHint {
    /// An HTTP bearer box (`HTTPBearer`): the raw token, no `Bearer ` prefix.
    RawToken { scheme: Option<String> },
    /// An apiKey box named `Authorization` in the header: `Bearer <token>`.
    BearerPrefix { scheme: Option<String> },
    /// Another apiKey box: the value as is.
    AsIs {
        scheme: Option<String>,
        param: String,
        location: KeyLocation,
    },
    /// Only an oauth2 / openIdConnect scheme: Swagger UI takes no pasted token there
    /// (swagger-ui issue 5320); use the curl line or the docs' own login.
    CannotPaste { scheme: Option<String> },
    /// The service says nothing about its docs' scheme.
    Unknown,
}

/// What the service's Swagger page wants pasted, from its `swagger` setting.
pub fn paste_hint(service: &Service) -> PasteHint {
    let Some(sw) = &service.swagger else {
        return PasteHint::Unknown;
    };
    let scheme = sw.name.clone();
    match sw.scheme {
        SwaggerKind::HttpBearer => PasteHint::RawToken { scheme },
        SwaggerKind::ApiKey => {
            let param = sw.param.clone().unwrap_or_default();
            let location = sw.location.unwrap_or_default();
            if service.flow != Flow::ApiKey
                && location == KeyLocation::Header
                && param.eq_ignore_ascii_case("authorization")
            {
                PasteHint::BearerPrefix { scheme }
            } else {
                PasteHint::AsIs {
                    scheme,
                    param,
                    location,
                }
            }
        }
        SwaggerKind::OAuth2 | SwaggerKind::OpenIdConnect => PasteHint::CannotPaste { scheme },
    }
}

impl PasteHint {
    /// The `authdeck token` command that prints what to paste, if anything can be pasted.
    pub fn command(&self, service_id: &ServiceId) -> Option<String> {
        match self {
            PasteHint::RawToken { .. } | PasteHint::AsIs { .. } => {
                Some(format!("authdeck token {service_id}"))
            }
            PasteHint::BearerPrefix { .. } => {
                Some(format!("authdeck token {service_id} --format bearer"))
            }
            PasteHint::CannotPaste { .. } | PasteHint::Unknown => None,
        }
    }

    /// A curl line that calls the API with the service's token.
    pub fn curl(service_id: &ServiceId, service: &Service) -> String {
        let base = service
            .api_base
            .as_ref()
            .map_or("https://api.example.org/", |u| u.as_str());
        let base = base.trim_end_matches('/');
        // How the API takes the token is `format`'s rule; `--format header` prints an API
        // key's own header (or cookie) line too.
        match TokenKind::of(service) {
            TokenKind::ApiKey {
                location: KeyLocation::Query,
                name,
            } => format!("curl \"{base}/…?{name}=$(authdeck token {service_id})\""),
            _ => format!("curl -H \"$(authdeck token {service_id} --format header)\" {base}/…"),
        }
    }

    /// One or two sentences for people.
    pub fn message(&self, service_id: &ServiceId, service: &Service) -> String {
        let name = |s: &Option<String>| s.as_deref().map(|n| format!("'{n}' ")).unwrap_or_default();
        match self {
            PasteHint::RawToken { scheme } => format!(
                "In the docs' Authorize dialog, paste the raw token into the {}(HTTP bearer) box, without a `Bearer ` prefix: `authdeck token {service_id}` prints it.",
                name(scheme)
            ),
            PasteHint::BearerPrefix { scheme } => format!(
                "The docs' {}box is an API key named Authorization: paste `Bearer <token>`, which `authdeck token {service_id} --format bearer` prints.",
                name(scheme)
            ),
            PasteHint::AsIs { scheme, param, location } => format!(
                "In the docs' Authorize dialog, paste the value as is into the {}box ({param} in the {location}): `authdeck token {service_id}` prints it.",
                name(scheme)
            ),
            PasteHint::CannotPaste { scheme } => format!(
                "The docs' {}scheme is OAuth2 only, and Swagger UI cannot take a pasted token there (swagger-ui issue 5320). Call the API with curl instead: {} — or log in with the docs' own Authorize button.",
                name(scheme),
                Self::curl(service_id, service)
            ),
            PasteHint::Unknown => format!(
                "No Swagger scheme is set for this service (swagger.scheme): `authdeck token {service_id}` prints the raw token an HTTP bearer box wants; `--format bearer` prints the `Bearer <token>` an apiKey box named Authorization wants."
            ),
        }
    }
}
