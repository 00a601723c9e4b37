//! Built-in templates for the five seed services (and their variants), as their real
//! servers behave (docs/services.md). A preset asks only for what the user must supply;
//! everything else — every endpoint included — can be overridden with `key=value`
//! settings using the service's own TOML keys (`endpoints.token=https://…`), so a preset
//! also works against a local NOMAD Oasis or a test server.

use std::collections::BTreeMap;

use super::{
    Account, AccountName, ClientAuth, DeviceProtocol, DeviceSettings, Endpoints, Flow, HttpUrl,
    PortList, Redirect, RedirectHost, Service, SwaggerKind, SwaggerScheme, TokenPlacement,
};
use crate::error::{Error, Result};
use crate::hint::Hint;

/// Something the user supplies to a preset.
#[derive(Debug, Clone, Copy)]
pub struct Input {
    pub key: &'static str,
    pub label: &'static str,
    /// `None`: required.
    pub default: Option<&'static str>,
}

/// A service template.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    pub name: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
    pub inputs: &'static [Input],
    pub needs_client_secret: bool,
    pub needs_password: bool,
    build: fn(&Values) -> Result<Service>,
}

/// The values of a preset's inputs.
#[derive(Debug, Default)]
pub struct Values(BTreeMap<String, String>);

impl Values {
    fn get(&self, key: &str) -> &str {
        self.0.get(key).map_or("", String::as_str)
    }

    fn url(&self, key: &str, suffix: &str) -> Result<HttpUrl> {
        let base = self.get(key).trim_end_matches('/');
        HttpUrl::parse(&format!("{base}{suffix}")).map_err(|e| Error::Config(format!("{key}: {e}")))
    }
}

const CLIENT_ID: Input = Input {
    key: "client_id",
    label: "OAuth client id",
    default: None,
};
const USERNAME: Input = Input {
    key: "username",
    label: "user name",
    default: None,
};

/// Every preset, in display order.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "oqtant",
        title: "Oqtant (Infleqtion)",
        summary: "Auth0 login in the browser (auth code + PKCE, audience, redirect to localhost:8080-8085); public client",
        inputs: &[],
        needs_client_secret: false,
        needs_password: false,
        build: oqtant,
    },
    Preset {
        name: "quamotion",
        title: "Quamotion Cloud",
        summary: "Azure AD v1 client credentials (resource=https://cloud.quamotion.mobi/)",
        inputs: &[Input { key: "tenant", label: "Azure tenant (id or domain)", default: Some("common") }, CLIENT_ID],
        needs_client_secret: true,
        needs_password: false,
        build: quamotion_v1,
    },
    Preset {
        name: "quamotion-v2",
        title: "Quamotion Cloud (Azure v2 endpoint)",
        summary: "Azure AD v2 client credentials (scope=https://cloud.quamotion.mobi//.default)",
        inputs: &[Input { key: "tenant", label: "Azure tenant (id or domain)", default: Some("common") }, CLIENT_ID],
        needs_client_secret: true,
        needs_password: false,
        build: quamotion_v2,
    },
    Preset {
        name: "autolab",
        title: "Autolab",
        summary: "Autolab's device login (code shown, approve on the activation page), refresh with rotation",
        inputs: &[Input { key: "base_url", label: "Autolab deployment URL, e.g. https://autolab.andrew.cmu.edu", default: None }, CLIENT_ID],
        needs_client_secret: true,
        needs_password: false,
        build: autolab,
    },
    Preset {
        name: "plantpredict",
        title: "PlantPredict",
        summary: "AWS Cognito client credentials, parameters in the query string",
        inputs: &[CLIENT_ID],
        needs_client_secret: true,
        needs_password: false,
        build: plantpredict,
    },
    Preset {
        name: "plantpredict-legacy",
        title: "PlantPredict (legacy Okta)",
        summary: "Okta password grant with refresh, parameters in the query string (SDK 0.8-1.0.3)",
        inputs: &[CLIENT_ID, USERNAME],
        needs_client_secret: true,
        needs_password: true,
        build: plantpredict_legacy,
    },
    Preset {
        name: "nomad",
        title: "NOMAD (FAIRmat)",
        summary: "password grant at the NOMAD API (POST), refresh through its Keycloak, app tokens",
        inputs: &[Input { key: "api_base", label: "NOMAD API base", default: Some("https://nomad-lab.eu/prod/v1/api") }, USERNAME],
        needs_client_secret: false,
        needs_password: true,
        build: nomad,
    },
    Preset {
        name: "nomad-legacy",
        title: "NOMAD (before 1.4)",
        summary: "GET /v1/auth/token?username&password (no refresh token)",
        inputs: &[Input { key: "api_base", label: "NOMAD API base", default: Some("https://nomad-lab.eu/prod/v1/api") }, USERNAME],
        needs_client_secret: false,
        needs_password: true,
        build: nomad_legacy,
    },
];

/// The preset called `name`.
pub fn find(name: &str) -> Result<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name).ok_or_else(|| {
        let names: Vec<_> = PRESETS.iter().map(|p| p.name).collect();
        Error::Config(format!(
            "no preset '{name}': use one of {}",
            names.join(", ")
        ))
    })
}

impl Preset {
    /// Builds the service from `settings` (`key=value`): the preset's inputs, then any
    /// service key (dotted for nested tables) to override the template.
    pub fn build(&self, settings: &[(String, String)]) -> Result<Service> {
        let mut values = Values::default();
        let mut overrides = Vec::new();
        for (k, v) in settings {
            if self.inputs.iter().any(|i| i.key == k) {
                values.0.insert(k.clone(), v.clone());
            } else {
                overrides.push((k.as_str(), v.as_str()));
            }
        }
        for input in self.inputs {
            if !values.0.contains_key(input.key) {
                match input.default {
                    Some(d) => {
                        values.0.insert(input.key.to_owned(), d.to_owned());
                    }
                    None => {
                        return Err(Error::Config(format!(
                            "preset '{}' needs {}",
                            self.name, input.label
                        ))
                        .with_hint(Hint::SetPresetInput {
                            key: input.key.to_owned(),
                            label: input.label.to_owned(),
                        }))
                    }
                }
            }
        }
        let mut service = (self.build)(&values)?;
        service.preset = Some(self.name.to_owned());
        apply_overrides(&service, &overrides)
    }
}

/// Applies `key=value` overrides to a service through its TOML form, so every key the
/// config file knows can be set, and a wrong key or value is reported clearly.
fn apply_overrides(service: &Service, overrides: &[(&str, &str)]) -> Result<Service> {
    if overrides.is_empty() {
        return Ok(service.clone());
    }
    let mut doc = toml_edit::ser::to_document(service)
        .map_err(|e| Error::Local(format!("could not write the service as TOML: {e}")))?;
    for (key, value) in overrides {
        let parts: Vec<&str> = key.split('.').collect();
        let (last, parents) = parts
            .split_last()
            .ok_or_else(|| Error::Config("a setting has an empty key".into()))?;
        let mut table = doc.as_table_mut() as &mut dyn toml_edit::TableLike;
        for p in parents {
            let entry = table
                .entry(p)
                .or_insert(toml_edit::Item::Table(toml_edit::Table::new()));
            table = entry
                .as_table_like_mut()
                .ok_or_else(|| Error::Config(format!("setting {key}: '{p}' is not a table")))?;
        }
        table.insert(last, toml_edit::value(override_value(last, value)));
    }
    let text = doc.to_string();
    toml::from_str::<Service>(&text)
        .map_err(|e| Error::Config(format!("the settings: {}", e.message().trim_end())))
}

/// Values are strings, except where the config wants a list (`scopes`).
fn override_value(key: &str, value: &str) -> toml_edit::Value {
    if key == "scopes" {
        let mut arr = toml_edit::Array::new();
        for s in value.split_whitespace() {
            arr.push(s);
        }
        toml_edit::Value::Array(arr)
    } else {
        toml_edit::Value::from(value)
    }
}

fn url(s: &str) -> Result<HttpUrl> {
    HttpUrl::parse(s).map_err(Error::Config)
}

fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn oqtant(_: &Values) -> Result<Service> {
    Ok(Service {
        name: Some("Oqtant".into()),
        docs_url: Some(url("https://oqtant.infleqtion.com/api/docs")?),
        api_base: Some(url("https://oqtant.infleqtion.com/api")?),
        flow: Flow::AuthCode,
        endpoints: Endpoints {
            authorization: Some(url("https://coldquanta.auth0.com/authorize")?),
            token: Some(url("https://coldquanta.auth0.com/oauth/token")?),
            ..Endpoints::default()
        },
        client_id: "cTWqizVsJj2WrLtBgzgo3KZFgEY3k2OC".into(),
        client_auth: Some(ClientAuth::None),
        scopes: vec!["profile".into(), "openid".into(), "mail".into()],
        authorize_params: params(&[("audience", "https://oqtant.infleqtion.com/oqtant")]),
        redirect: Redirect {
            host: RedirectHost::Localhost,
            ports: PortList::parse("8080-8085").map_err(Error::Config)?,
            path: String::new(),
        },
        swagger: swagger(SwaggerKind::HttpBearer, "HTTPBearer"),
        ..Service::default()
    })
}

fn quamotion_token(v: &Values, path: &str) -> Result<HttpUrl> {
    let tenant = v.get("tenant");
    if tenant.is_empty() || tenant.contains(['/', '?', '#']) {
        return Err(Error::Config(format!(
            "tenant '{tenant}' is not a tenant id or domain"
        )));
    }
    url(&format!(
        "https://login.microsoftonline.com/{tenant}/{path}"
    ))
}

fn quamotion_base(v: &Values) -> Result<Service> {
    Ok(Service {
        name: Some("Quamotion Cloud".into()),
        api_base: Some(url("https://cloud.quamotion.mobi")?),
        flow: Flow::ClientCredentials,
        client_id: v.get("client_id").to_owned(),
        client_auth: Some(ClientAuth::ClientSecretPost),
        swagger: swagger(SwaggerKind::HttpBearer, "Bearer"),
        ..Service::default()
    })
}

fn quamotion_v1(v: &Values) -> Result<Service> {
    let mut s = quamotion_base(v)?;
    s.endpoints.token = Some(quamotion_token(v, "oauth2/token")?);
    // The trailing slash is part of the audience: without it Azure refuses.
    s.token_params = params(&[("resource", "https://cloud.quamotion.mobi/")]);
    Ok(s)
}

fn quamotion_v2(v: &Values) -> Result<Service> {
    let mut s = quamotion_base(v)?;
    s.name = Some("Quamotion Cloud (v2)".into());
    s.endpoints.token = Some(quamotion_token(v, "oauth2/v2.0/token")?);
    s.scopes = vec!["https://cloud.quamotion.mobi//.default".into()];
    Ok(s)
}

fn autolab(v: &Values) -> Result<Service> {
    Ok(Service {
        name: Some("Autolab".into()),
        api_base: Some(v.url("base_url", "/api/v1")?),
        flow: Flow::Device,
        endpoints: Endpoints {
            device_authorization: Some(v.url("base_url", "/oauth/device_flow_init")?),
            token: Some(v.url("base_url", "/oauth/token")?),
            ..Endpoints::default()
        },
        device: Some(DeviceSettings {
            protocol: DeviceProtocol::Autolab,
            poll: Some(v.url("base_url", "/oauth/device_flow_authorize")?),
            redirect_uri: Some(v.url("base_url", "/device_flow_auth_cb")?),
        }),
        client_id: v.get("client_id").to_owned(),
        client_auth: Some(ClientAuth::ClientSecretPost),
        swagger: swagger(SwaggerKind::OAuth2, "oauth2"),
        ..Service::default()
    })
}

fn plantpredict(v: &Values) -> Result<Service> {
    Ok(Service {
        name: Some("PlantPredict".into()),
        api_base: Some(url("https://api.plantpredict.terabase.energy")?),
        flow: Flow::ClientCredentials,
        endpoints: Endpoints {
            token: Some(url(
                "https://terabase-prd.auth.us-west-2.amazoncognito.com/oauth2/token",
            )?),
            ..Endpoints::default()
        },
        client_id: v.get("client_id").to_owned(),
        client_auth: Some(ClientAuth::ClientSecretPost),
        scopes: vec!["transactions/post".into(), "transactions/get".into()],
        token_request: TokenPlacement::PostQuery,
        swagger: swagger(SwaggerKind::HttpBearer, "bearerAuth"),
        ..Service::default()
    })
}

fn plantpredict_legacy(v: &Values) -> Result<Service> {
    Ok(Service {
        name: Some("PlantPredict (legacy)".into()),
        api_base: Some(url("https://api.plantpredict.com")?),
        flow: Flow::Password,
        endpoints: Endpoints {
            token: Some(url(
                "https://afse.okta.com/oauth2/aus3jzhulkrINTdnc356/v1/token",
            )?),
            ..Endpoints::default()
        },
        client_id: v.get("client_id").to_owned(),
        client_auth: Some(ClientAuth::ClientSecretPost),
        scopes: vec!["openid".into(), "offline_access".into()],
        refresh_params: params(&[("scope", "offline_access")]),
        token_request: TokenPlacement::PostQuery,
        swagger: swagger(SwaggerKind::HttpBearer, "bearerAuth"),
        accounts: vec![account_with(v.get("username"))],
        ..Service::default()
    })
}

fn nomad(v: &Values) -> Result<Service> {
    let mut s = nomad_legacy(v)?;
    s.name = Some("NOMAD".into());
    s.token_request = TokenPlacement::Form;
    s.endpoints.refresh = Some(url(
        "https://nomad-lab.eu/fairdi/keycloak/auth/realms/fairdi_nomad_prod/protocol/openid-connect/token",
    )?);
    // Keycloak revokes a public client's tokens (RFC 7009); its introspection endpoint
    // refuses public clients such as `nomad_public`, so none is set.
    s.endpoints.revocation = Some(url(
        "https://nomad-lab.eu/fairdi/keycloak/auth/realms/fairdi_nomad_prod/protocol/openid-connect/revoke",
    )?);
    Ok(s)
}

fn nomad_legacy(v: &Values) -> Result<Service> {
    Ok(Service {
        name: Some("NOMAD (legacy)".into()),
        docs_url: Some(v.url("api_base", "/v1/extensions/docs")?),
        api_base: Some(v.url("api_base", "")?),
        flow: Flow::Password,
        endpoints: Endpoints {
            token: Some(v.url("api_base", "/v1/auth/token")?),
            app_token: Some(v.url("api_base", "/v1/auth/app_token")?),
            ..Endpoints::default()
        },
        client_id: "nomad_public".into(),
        client_auth: Some(ClientAuth::None),
        token_request: TokenPlacement::GetQuery,
        // The docs also offer OAuth2PasswordBearer; the bearer box takes any token.
        swagger: swagger(SwaggerKind::HttpBearer, "HTTPBearer"),
        accounts: vec![account_with(v.get("username"))],
        ..Service::default()
    })
}

/// The security scheme the service's own OpenAPI document declares (what its Swagger
/// "Authorize" dialog takes).
fn swagger(scheme: SwaggerKind, name: &str) -> Option<SwaggerScheme> {
    Some(SwaggerScheme {
        scheme,
        name: Some(name.to_owned()),
        param: None,
        location: None,
    })
}

fn account_with(username: &str) -> Account {
    Account {
        name: AccountName::default_account(),
        username: Some(username.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect()
    }

    #[test]
    fn every_preset_builds_a_valid_service() {
        for preset in PRESETS {
            let mut settings = Vec::new();
            for input in preset.inputs.iter().filter(|i| i.default.is_none()) {
                let value = if input.key == "base_url" {
                    "https://autolab.example.edu"
                } else {
                    "x"
                };
                settings.push((input.key.to_owned(), value.to_owned()));
            }
            let service = preset.build(&settings).expect(preset.name);
            service
                .validate()
                .unwrap_or_else(|e| panic!("{}: {e}", preset.name));
            assert_eq!(service.preset.as_deref(), Some(preset.name));
            assert_eq!(
                service.effective_client_auth().needs_secret(),
                preset.needs_client_secret,
                "{}",
                preset.name
            );
        }
    }

    #[test]
    fn quirks_are_in_the_template() {
        let oq = find("oqtant").expect("p").build(&[]).expect("build");
        assert_eq!(oq.redirect.uri(8080), "http://localhost:8080");
        assert_eq!(
            oq.redirect.ports.ports().collect::<Vec<_>>(),
            (8080..=8085).collect::<Vec<_>>()
        );
        let q = find("quamotion")
            .expect("p")
            .build(&set(&[("client_id", "c")]))
            .expect("build");
        assert_eq!(q.token_params["resource"], "https://cloud.quamotion.mobi/");
        assert_eq!(
            q.endpoints.token.expect("t").as_str(),
            "https://login.microsoftonline.com/common/oauth2/token"
        );
        let n = find("nomad")
            .expect("p")
            .build(&set(&[("username", "u")]))
            .expect("build");
        assert_eq!(
            n.endpoints.token.as_ref().expect("t").as_str(),
            "https://nomad-lab.eu/prod/v1/api/v1/auth/token"
        );
        assert_eq!(
            n.account("default").and_then(|a| a.username.as_deref()),
            Some("u")
        );
    }

    #[test]
    fn overrides_and_errors() {
        let p = find("nomad").expect("p");
        let s = p
            .build(&set(&[
                ("username", "u"),
                ("api_base", "http://127.0.0.1:9/nomad/api"),
                ("endpoints.refresh", "http://127.0.0.1:9/kc/token"),
                ("docs_url", "http://127.0.0.1:9/docs"),
            ]))
            .expect("build");
        assert_eq!(
            s.endpoints.token.expect("t").as_str(),
            "http://127.0.0.1:9/nomad/api/v1/auth/token"
        );
        assert_eq!(
            s.endpoints.refresh.expect("r").as_str(),
            "http://127.0.0.1:9/kc/token"
        );
        let err = p.build(&[]).expect_err("username needed");
        assert!(
            matches!(err.hint(), Some(Hint::SetPresetInput { key, .. }) if key == "username"),
            "{err}"
        );
        assert!(!err.to_string().contains("--"), "{err}");
        let err = p
            .build(&set(&[("username", "u"), ("endpoints.tokn", "http://x")]))
            .expect_err("typo")
            .to_string();
        assert!(err.contains("tokn"), "{err}");
        let err = p
            .build(&set(&[("username", "u"), ("endpoints.token", "ftp://x")]))
            .expect_err("bad url")
            .to_string();
        assert!(err.contains("http"), "{err}");
        assert!(find("nope").is_err());
    }
}
