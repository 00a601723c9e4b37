//! Import from OpenAPI: read an OpenAPI 3.0/3.1/3.2 or Swagger 2.0 document (JSON or
//! YAML) and propose one Authdeck service per security scheme it declares.
//!
//! - [`parse`] is pure: text (and the document's URL, for relative URLs) in, an
//!   [`ApiDoc`] out. It reads only what Authdeck needs (title, API base, docs URL,
//!   security schemes) and never panics: it is meant to be fuzzed. Nesting depth is
//!   bounded by the JSON and YAML parsers (128 levels), YAML alias expansion is bounded by
//!   the YAML parser, and the text itself by [`MAX_DOCUMENT`].
//! - [`propose`] turns each scheme into a [`Proposal`]: the service it would create, the
//!   scopes to pick from, what the document cannot give (client id, secret…), and the
//!   paste hint. [`Proposal::complete`] fills those in and validates.
//! - [`fetch`] reads a document from an `http(s)` URL (through the one HTTP client, no
//!   redirects, with a larger cap than token responses) or from a file.
//! - A document whose token URL is that of a built-in preset pointed at the same
//!   deployment is given the preset's login (Autolab's own device flow, say): the
//!   document cannot express such quirks.
//! - [`paste_hint`] says what a service's Swagger "Authorize" dialog wants.
//! - [`with_metadata`] reads the provider metadata of `openIdConnect` schemes and
//!   `oauth2MetadataUrl`s (I/O, through the one client) and proposes the strongest client
//!   authentication the provider lists ([`Proposal::prefer_auth_methods`], pure).
//!
//! Relative URLs follow the specification: a relative server URL is resolved against the
//! document's URL; relative OAuth URLs against the first server's URL (taken as a
//! directory, so `auth/token` under `…/api/v1` is `…/api/v1/auth/token`), else against
//! the document's URL.

mod fetch;
mod hint;
mod metadata;
mod parse;
mod preset_match;
mod propose;

pub use fetch::{fetch, Fetched, Source};
pub use hint::{paste_hint, PasteHint};
pub use metadata::with_metadata;
pub use parse::parse;
pub use preset_match::PresetMatch;
pub use propose::{propose, slug, Completion, Need, Proposal};

use crate::config::{HttpUrl, KeyLocation};

/// The largest document Authdeck reads (big APIs publish documents of a few MiB).
pub const MAX_DOCUMENT: usize = 8 * 1024 * 1024;

/// Which specification a document follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpecVersion {
    /// Swagger 2.0 (`swagger: "2.0"`).
    Swagger2,
    /// OpenAPI 3.x (`openapi: "3.…"`), with the version string as written.
    OpenApi3(String),
}

/// What Authdeck reads from an OpenAPI document.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiDoc {
    pub version: SpecVersion,
    /// `info.title`.
    pub title: Option<String>,
    /// The API base: `servers[0].url` (3.x) or scheme + `host` + `basePath` (2.0).
    pub api_base: Option<HttpUrl>,
    /// `externalDocs.url`, else the document's own URL.
    pub docs_url: Option<HttpUrl>,
    /// The security schemes, in the document's order.
    pub schemes: Vec<SecurityScheme>,
    /// What was skipped and why (unsupported schemes, unresolvable URLs).
    pub warnings: Vec<String>,
}

/// One security scheme of the document.
#[derive(Debug, Clone, PartialEq)]
pub struct SecurityScheme {
    /// Its key in `components.securitySchemes` / `securityDefinitions`.
    pub name: String,
    pub description: Option<String>,
    pub kind: SchemeKind,
    /// Swagger UI's `x-tokenName` (on the scheme, or on one of its flows): the field of
    /// the token response to use as the token, e.g. `id_token`.
    pub token_name: Option<String>,
}

/// The kinds of scheme Authdeck can make a service of.
#[derive(Debug, Clone, PartialEq)]
pub enum SchemeKind {
    /// `type: http, scheme: bearer`.
    HttpBearer { bearer_format: Option<String> },
    /// `type: apiKey`.
    ApiKey {
        param: String,
        location: KeyLocation,
    },
    /// `type: oauth2`, with the flows Authdeck understood, and OpenAPI 3.2's
    /// `oauth2MetadataUrl` (the provider's RFC 8414 metadata).
    OAuth2 {
        flows: Vec<OAuthFlow>,
        metadata_url: Option<HttpUrl>,
    },
    /// `type: openIdConnect`.
    OpenIdConnect { url: HttpUrl },
}

/// One OAuth 2.0 flow of an `oauth2` scheme.
#[derive(Debug, Clone, PartialEq)]
pub struct OAuthFlow {
    pub grant: Grant,
    pub authorization_url: Option<HttpUrl>,
    pub token_url: Option<HttpUrl>,
    pub refresh_url: Option<HttpUrl>,
    pub device_authorization_url: Option<HttpUrl>,
    pub scopes: Vec<Scope>,
}

/// The OAuth grants an OpenAPI document can declare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// `authorizationCode` (2.0: `accessCode`).
    AuthorizationCode,
    /// `implicit`: offered as authorization code + PKCE.
    Implicit,
    /// `password`.
    Password,
    /// `clientCredentials` (2.0: `application`).
    ClientCredentials,
    /// `deviceAuthorization` (OpenAPI 3.2).
    DeviceAuthorization,
}

impl Grant {
    /// The name the OpenAPI 3 specification uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Grant::AuthorizationCode => "authorizationCode",
            Grant::Implicit => "implicit",
            Grant::Password => "password",
            Grant::ClientCredentials => "clientCredentials",
            Grant::DeviceAuthorization => "deviceAuthorization",
        }
    }
}

/// A scope the document lists, with its description.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Scope {
    pub name: String,
    pub description: String,
}

#[cfg(test)]
mod tests;
