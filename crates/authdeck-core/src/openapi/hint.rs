//! Which box of a Swagger "Authorize" dialog a token goes into, and in what form, as
//! data: each front end words it (the CLI as an `authdeck token` command, the desktop
//! as a copy button).

use serde::Serialize;

use crate::config::{Flow, KeyLocation, Service, SwaggerKind};
use crate::format::TokenFormat;

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
    /// The form of the token that goes into the box (the token alone, or
    /// `Bearer <token>`); `None` when nothing can be pasted or the box is not known.
    /// Each front end says how to get it (a command, a copy button).
    pub fn format(&self) -> Option<TokenFormat> {
        match self {
            PasteHint::RawToken { .. } | PasteHint::AsIs { .. } => Some(TokenFormat::Raw),
            PasteHint::BearerPrefix { .. } => Some(TokenFormat::Bearer),
            PasteHint::CannotPaste { .. } | PasteHint::Unknown => None,
        }
    }

    /// The scheme's name in the docs, if the service's `swagger` setting gives one.
    pub fn scheme(&self) -> Option<&str> {
        match self {
            PasteHint::RawToken { scheme }
            | PasteHint::BearerPrefix { scheme }
            | PasteHint::AsIs { scheme, .. }
            | PasteHint::CannotPaste { scheme } => scheme.as_deref(),
            PasteHint::Unknown => None,
        }
    }
}
