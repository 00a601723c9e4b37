//! A service described field by field (command-line flags, a form in the app), turned
//! into a validated [`Service`] with errors that name the field.

use std::collections::BTreeMap;

use super::{
    Account, AccountName, ClientAuth, Endpoints, Flow, HttpUrl, PortList, Redirect, RedirectHost,
    Service,
};
use crate::error::{Error, Result};

/// The fields of a new service, as text. `field` names in errors are the CLI's flag names.
#[derive(Debug, Clone, Default)]
pub struct ServiceDraft {
    pub name: Option<String>,
    pub flow: String,
    pub issuer: Option<String>,
    pub auth_url: Option<String>,
    pub token_url: Option<String>,
    pub device_url: Option<String>,
    pub revoke_url: Option<String>,
    pub client_id: String,
    pub client_auth: Option<String>,
    pub scopes: Vec<String>,
    pub authorize_params: Vec<(String, String)>,
    pub token_params: Vec<(String, String)>,
    pub ports: Option<String>,
    pub redirect_host: Option<String>,
    pub redirect_path: Option<String>,
    pub docs_url: Option<String>,
    pub api_base: Option<String>,
    pub username: Option<String>,
}

/// An optional URL field of a form: blank means "not set"; a bad URL names the field.
pub fn optional_url(value: &Option<String>, field: &str) -> Result<Option<HttpUrl>> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| HttpUrl::parse(v).map_err(|e| Error::Config(format!("{field}: {e}"))))
        .transpose()
}

impl ServiceDraft {
    /// The service, validated.
    pub fn build(&self) -> Result<Service> {
        let flow: Flow = self
            .flow
            .parse()
            .map_err(|e| Error::Config(format!("flow: {e}")))?;
        let issuer = optional_url(&self.issuer, "issuer")?;
        let endpoints = Endpoints {
            authorization: optional_url(&self.auth_url, "auth-url")?,
            token: optional_url(&self.token_url, "token-url")?,
            device_authorization: optional_url(&self.device_url, "device-url")?,
            revocation: optional_url(&self.revoke_url, "revoke-url")?,
            ..Endpoints::default()
        };
        if !flow.is_pasted() && issuer.is_none() && endpoints.token.is_none() {
            return Err(Error::Config(
                "give an issuer URL (endpoints are discovered) or a token URL (and the other endpoints the flow needs)".into(),
            ));
        }
        if !flow.is_pasted() && self.client_id.trim().is_empty() {
            return Err(Error::Config("client-id: the client id is empty".into()));
        }
        let mut redirect = Redirect::default();
        if let Some(p) = &self.ports {
            redirect.ports = PortList::parse(p).map_err(|e| Error::Config(format!("port: {e}")))?;
        }
        if let Some(h) = &self.redirect_host {
            redirect.host = h
                .parse::<RedirectHost>()
                .map_err(|e| Error::Config(format!("redirect-host: {e}")))?;
        }
        if let Some(p) = &self.redirect_path {
            redirect.path = p.clone();
        }
        let username = self
            .username
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty());
        if flow == Flow::Password && username.is_none() {
            return Err(Error::Config(
                "username: the password flow needs a user name".into(),
            ));
        }
        let service = Service {
            name: self.name.clone().filter(|n| !n.trim().is_empty()),
            docs_url: optional_url(&self.docs_url, "docs-url")?,
            api_base: optional_url(&self.api_base, "api-base")?,
            flow,
            issuer,
            endpoints,
            client_id: self.client_id.trim().to_owned(),
            client_auth: self
                .client_auth
                .as_deref()
                .map(|a| {
                    a.parse::<ClientAuth>()
                        .map_err(|e| Error::Config(format!("client-auth: {e}")))
                })
                .transpose()?,
            scopes: self
                .scopes
                .iter()
                .filter(|s| !s.trim().is_empty())
                .cloned()
                .collect(),
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
        };
        service.validate().map_err(Error::Config)?;
        Ok(service)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_and_names_the_bad_field() {
        let draft = ServiceDraft {
            flow: "client-credentials".into(),
            token_url: Some("https://id.test/token".into()),
            client_id: "c".into(),
            client_auth: Some("post".into()),
            scopes: vec!["a".into(), " ".into()],
            ..ServiceDraft::default()
        };
        let s = draft.build().expect("valid");
        assert_eq!(s.effective_client_auth(), ClientAuth::ClientSecretPost);
        assert_eq!(s.scopes, vec!["a"]);
        let err = ServiceDraft {
            docs_url: Some("ftp://x".into()),
            ..draft.clone()
        }
        .build()
        .expect_err("bad url");
        assert!(err.to_string().starts_with("docs-url:"), "{err}");
        let err = ServiceDraft {
            flow: "password".into(),
            ..draft.clone()
        }
        .build()
        .expect_err("username");
        assert!(err.to_string().starts_with("username:"), "{err}");
        let err = ServiceDraft {
            token_url: None,
            ..draft
        }
        .build()
        .expect_err("endpoint");
        assert!(err.to_string().contains("issuer URL"), "{err}");
    }
}
