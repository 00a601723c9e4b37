//! Which grant gets a service's tokens, chosen from its [`Flow`] in one place: for a
//! login (the user may take part: browser, device code) and for a re-fetch without the
//! user (client credentials, or the password grant with the stored password) when a
//! token cannot be refreshed. The caller resolves the endpoints and reads the client's
//! and the account's secrets; nothing is stored here.

use tokio_util::sync::CancellationToken;

use super::{
    auth_code, autolab, client_credentials, device, password, BrowserOpener, ClientIdentity,
    FlowContext, LoginObserver,
};
use crate::config::{DeviceProtocol, Flow, HttpUrl, Service};
use crate::discovery::ResolvedEndpoints;
use crate::error::{Error, Result};
use crate::secret::Password;
use crate::token::TokenSet;

/// The account's user name and password (the password grant).
#[derive(Debug, Clone)]
pub struct UserPassword {
    pub username: String,
    pub password: Password,
}

/// What any grant of a service needs.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub service_id: &'a str,
    pub service: &'a Service,
    pub endpoints: &'a ResolvedEndpoints,
    pub client: &'a ClientIdentity,
    /// Given for the password flow ([`needs_password`]).
    pub user: Option<&'a UserPassword>,
}

impl<'a> Request<'a> {
    pub fn new(
        service_id: &'a str,
        service: &'a Service,
        endpoints: &'a ResolvedEndpoints,
        client: &'a ClientIdentity,
        user: Option<&'a UserPassword>,
    ) -> Self {
        Request {
            service_id,
            service,
            endpoints,
            client,
            user,
        }
    }
}

/// Whether the flow gets new tokens from stored credentials alone, so an account whose
/// token cannot be refreshed is re-fetched instead of needing a login.
pub fn fetches_without_user(flow: Flow) -> bool {
    matches!(flow, Flow::ClientCredentials | Flow::Password)
}

/// Whether the flow's grant needs the account's user name and password.
pub fn needs_password(flow: Flow) -> bool {
    flow == Flow::Password
}

/// Logs in with the service's flow, up to the new tokens. Pasted flows have no login.
pub async fn run(
    ctx: &FlowContext,
    req: &Request<'_>,
    browser: &dyn BrowserOpener,
    observer: &dyn LoginObserver,
    cancel: &CancellationToken,
) -> Result<TokenSet> {
    let (service_id, service, endpoints) = (req.service_id, req.service, req.endpoints);
    match service.flow {
        Flow::AuthCode => {
            let login = auth_code::AuthCodeLogin {
                service_name: service.display_name(service_id),
                authorization_url: endpoints.authorization()?,
                token_url: &endpoints.token,
                client: req.client,
                scopes: &service.scopes,
                authorize_params: &service.authorize_params,
                token_params: &service.token_params,
                redirect: &service.redirect,
                issuer: endpoints.issuer.as_deref(),
                iss_required: endpoints.iss_in_response,
                par_endpoint: par_endpoint(service, endpoints)?,
                request_object_audience: request_object_audience(service, endpoints)?,
            };
            auth_code::login(ctx, &login, browser, observer, cancel).await
        }
        Flow::Device
            if service
                .device
                .as_ref()
                .is_some_and(|d| d.protocol == DeviceProtocol::Autolab) =>
        {
            let device = service
                .device
                .as_ref()
                .ok_or_else(|| Error::Config("missing device settings".into()))?;
            let need = |u: &Option<HttpUrl>, what: &str| {
                u.as_ref().map(|u| u.url().clone()).ok_or_else(|| {
                    Error::Config(format!(
                        "'{service_id}' needs {what} for the Autolab device login"
                    ))
                })
            };
            let poll_url = need(&device.poll, "device.poll")?;
            let redirect_uri = need(&device.redirect_uri, "device.redirect_uri")?;
            let login = autolab::AutolabLogin {
                init_url: endpoints.device_authorization()?,
                poll_url: &poll_url,
                token_url: &endpoints.token,
                redirect_uri: &redirect_uri,
                client: req.client,
                token_params: &service.token_params,
                placement: service.token_request,
            };
            autolab::login(ctx, &login, observer, cancel).await
        }
        Flow::Device => {
            let login = device::DeviceLogin {
                device_authorization_url: endpoints.device_authorization()?,
                token_url: &endpoints.token,
                client: req.client,
                scopes: &service.scopes,
                authorize_params: &service.authorize_params,
                token_params: &service.token_params,
            };
            device::login(ctx, &login, observer, cancel).await
        }
        Flow::ClientCredentials | Flow::Password => without_user(ctx, req).await,
        Flow::Bearer | Flow::ApiKey => Err(Error::Config(format!(
            "'{service_id}' takes a pasted token, not a login"
        ))),
    }
}

/// A new token from stored credentials alone: client credentials, or the password
/// grant with [`Request::user`].
pub async fn without_user(ctx: &FlowContext, req: &Request<'_>) -> Result<TokenSet> {
    let (service_id, service, endpoints) = (req.service_id, req.service, req.endpoints);
    match service.flow {
        Flow::ClientCredentials => {
            client_credentials::fetch(
                ctx,
                &endpoints.token,
                req.client,
                &service.scopes,
                &service.token_params,
                service.token_request,
            )
            .await
        }
        Flow::Password => {
            let user = req.user.ok_or_else(|| {
                Error::Config(format!(
                    "'{service_id}' logs in with the password flow, which needs the account's user name and password"
                ))
            })?;
            password::fetch(
                ctx,
                &endpoints.token,
                req.client,
                &user.username,
                &user.password,
                &service.scopes,
                &service.token_params,
                service.token_request,
            )
            .await
        }
        flow => Err(Error::Config(format!(
            "'{service_id}' logs in with the {flow} flow, which needs the user"
        ))),
    }
}

/// The audience of the browser login's signed request object (JAR, RFC 9101), if it is
/// signed: when the provider requires it and the service leaves it to the provider
/// (`request_object = "auto"`), or always (`"signed"`), never with `"plain"`. The
/// audience is the provider's issuer, which must be known.
fn request_object_audience<'a>(
    service: &Service,
    endpoints: &'a crate::discovery::ResolvedEndpoints,
) -> Result<Option<&'a str>> {
    if !service
        .request_object
        .sign(endpoints.request_object_required)
    {
        return Ok(None);
    }
    endpoints.issuer.as_deref().map(Some).ok_or_else(|| {
        Error::Config(
            "signed request objects name the provider's issuer as their audience: set the service's `issuer`".into(),
        )
    })
}

/// The PAR endpoint to push the browser login's request to, if it is pushed: when the
/// provider requires it and the service leaves it to the provider (`par = "auto"`), or
/// always (`par = "always"`), never with `par = "never"`.
fn par_endpoint<'a>(
    service: &Service,
    endpoints: &'a crate::discovery::ResolvedEndpoints,
) -> Result<Option<&'a url::Url>> {
    if !service.par.push(endpoints.par_required) {
        return Ok(None);
    }
    endpoints.par.as_ref().map(Some).ok_or_else(|| {
        Error::Config(
            "pushed authorization requests are asked for, but the provider's metadata names no pushed_authorization_request_endpoint: set par = \"auto\" or check the issuer".into(),
        )
    })
}
