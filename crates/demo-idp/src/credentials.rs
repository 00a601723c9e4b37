//! The demo clients and users registered on the demo server.
//!
//! Only Oqtant's client id is the real one (it is a public client, published in the
//! `oqtant` package, see docs/services.md); everything else is made up for the demo.

/// Oqtant (Auth0): the real public client id of the `oqtant` package (no secret).
pub const OQTANT_CLIENT_ID: &str = "cTWqizVsJj2WrLtBgzgo3KZFgEY3k2OC";
/// Oqtant (Auth0): the API audience.
pub const OQTANT_AUDIENCE: &str = "https://oqtant.infleqtion.com/oqtant";
/// Oqtant (Auth0): the scope the Oqtant client asks for.
pub const OQTANT_SCOPE: &str = "profile openid mail";
/// Oqtant (Auth0): the registered redirect URIs (no path, no trailing slash).
pub const OQTANT_REDIRECT_URIS: [&str; 6] = [
    "http://localhost:8080",
    "http://localhost:8081",
    "http://localhost:8082",
    "http://localhost:8083",
    "http://localhost:8084",
    "http://localhost:8085",
];

/// Quamotion (Azure AD): application (client) id.
pub const QUAMOTION_CLIENT_ID: &str = "demo-quamotion-client";
/// Quamotion (Azure AD): client secret.
pub const QUAMOTION_CLIENT_SECRET: &str = "demo-quamotion-secret";
/// Quamotion (Azure AD): a second client secret of the application, whose validity has
/// ended (Azure answers it with AADSTS7000222, not as a wrong secret).
pub const QUAMOTION_EXPIRED_CLIENT_SECRET: &str = "demo-quamotion-expired-secret";
/// Quamotion (Azure AD) v1: the resource, trailing `/` included.
pub const QUAMOTION_RESOURCE: &str = "https://cloud.quamotion.mobi/";
/// Quamotion (Azure AD) v2: the scope (resource + `/.default`, hence the double slash).
pub const QUAMOTION_SCOPE: &str = "https://cloud.quamotion.mobi//.default";

/// Autolab (Doorkeeper): client id.
pub const AUTOLAB_CLIENT_ID: &str = "demo-autolab-client";
/// Autolab (Doorkeeper): client secret.
pub const AUTOLAB_CLIENT_SECRET: &str = "demo-autolab-secret";
/// Autolab: the scopes the demo application is registered with.
pub const AUTOLAB_SCOPE: &str = "user_info user_courses";
/// Autolab: path (below the server's base URL) of the only registered redirect URI.
pub const AUTOLAB_REDIRECT_PATH: &str = "/autolab/device_flow_auth_cb";

/// PlantPredict (Cognito and legacy Okta): client id.
pub const PLANTPREDICT_CLIENT_ID: &str = "demo-plantpredict-client";
/// PlantPredict (Cognito and legacy Okta): client secret.
pub const PLANTPREDICT_CLIENT_SECRET: &str = "demo-plantpredict-secret";
/// PlantPredict (Cognito): the scope of the current SDK.
pub const PLANTPREDICT_SCOPE: &str = "transactions/post transactions/get";
/// PlantPredict (legacy Okta): the scope of the password grant.
pub const PLANTPREDICT_LEGACY_SCOPE: &str = "openid offline_access";
/// PlantPredict (legacy Okta): username.
pub const PLANTPREDICT_USERNAME: &str = "demo@plantpredict.test";
/// PlantPredict (legacy Okta): password.
pub const PLANTPREDICT_PASSWORD: &str = "demo-plantpredict-password";

/// NOMAD: username.
pub const NOMAD_USERNAME: &str = "demo";
/// NOMAD: password.
pub const NOMAD_PASSWORD: &str = "demo-nomad-password";
/// NOMAD: the Keycloak public client id.
pub const NOMAD_CLIENT_ID: &str = "nomad_public";
/// NOMAD: the largest `expires_in` the app-token endpoint accepts (30 days).
pub const NOMAD_APP_TOKEN_MAX_EXPIRES_IN: u64 = 2_592_000;
