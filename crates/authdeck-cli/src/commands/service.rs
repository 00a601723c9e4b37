//! `authdeck service add|list|show|remove|secret`.

use authdeck_core::config::{
    check_secrets, presets, ClientAuth, Field, HttpUrl, PortList, SecretsGiven, Service,
    ServiceDraft, ServiceId,
};
use authdeck_core::ids::AccountName;
use authdeck_core::openapi::paste_hint;
use authdeck_core::vault::{SecretKey, SecretKind};
use authdeck_core::{Broker, Error, Result};

use super::status::{describe, print_table};
use crate::args::{AddArgs, ClientAuthArg, SecretArgs, ServiceCommand};
use crate::output;

pub async fn run(broker: &Broker, cmd: ServiceCommand) -> Result<()> {
    match cmd {
        ServiceCommand::Add(args) => add(broker, *args).await,
        ServiceCommand::List(flag) => list(broker, flag.json),
        ServiceCommand::Show(args) => show(broker, &args.id, args.json).await,
        ServiceCommand::Remove(arg) => {
            broker.remove_service(&arg.id).await?;
            println!("Removed service '{}' with its secrets and tokens.", arg.id);
            Ok(())
        }
        ServiceCommand::Secret(args) => secret(broker, &args).await,
        ServiceCommand::Import(args) => super::import::run(broker, *args).await,
        ServiceCommand::Export(args) => super::import::export(broker, &args.ids),
    }
}

/// Builds the service from the arguments; validation errors name the flag.
fn service_from(args: &AddArgs) -> Result<Service> {
    if let Some(name) = &args.preset {
        return preset_service(name, args);
    }
    let flow = args.flow.unwrap_or_default();
    ServiceDraft {
        name: args.name.clone(),
        flow,
        issuer: args.issuer.clone(),
        auth_url: args.auth_url.clone(),
        token_url: args.token_url.clone(),
        device_url: args.device_url.clone(),
        revoke_url: args.revoke_url.clone(),
        client_id: args.client_id.clone().unwrap_or_default(),
        client_auth: args.client_auth.map(|a| match a {
            ClientAuthArg::None => ClientAuth::None,
            ClientAuthArg::Basic => ClientAuth::ClientSecretBasic,
            ClientAuthArg::Post => ClientAuth::ClientSecretPost,
            ClientAuthArg::ClientSecretJwt => ClientAuth::ClientSecretJwt,
            ClientAuthArg::PrivateKeyJwt => ClientAuth::PrivateKeyJwt,
        }),
        scopes: args.scopes.clone(),
        authorize_params: args.params.clone(),
        token_params: args.token_params.clone(),
        ports: args.port.clone(),
        redirect_host: args.redirect_host.clone(),
        redirect_path: args.redirect_path.clone(),
        docs_url: args.docs_url.clone(),
        api_base: args.api_base.clone(),
        username: args.credentials.username.clone(),
        refresh_token_lifetime: args.refresh_token_lifetime.clone(),
    }
    .build()
    .map_err(|e| e.into_error(flag))
}

/// The flag that sets `field`.
fn flag(field: Field) -> Option<&'static str> {
    Some(match field {
        Field::Name => "--name",
        Field::Flow => "--flow",
        Field::Issuer => "--issuer",
        Field::AuthorizationUrl => "--auth-url",
        Field::TokenUrl => "--token-url",
        Field::DeviceUrl => "--device-url",
        Field::RevocationUrl => "--revoke-url",
        Field::ClientId => "--client-id",
        Field::ClientAuth => "--client-auth",
        Field::ClientSecret => "--client-secret-stdin",
        Field::Scopes => "--scope",
        Field::Ports => "--port",
        Field::RedirectHost => "--redirect-host",
        Field::RedirectPath => "--redirect-path",
        Field::DocsUrl => "--docs-url",
        Field::ApiBase => "--api-base",
        Field::Username => "--username",
        Field::Password => "--password-stdin",
        Field::RefreshTokenLifetime => "--refresh-token-lifetime",
        Field::Settings => return None,
    })
}

/// A service from a preset: its inputs and overrides from `--set`, plus the common flags.
fn preset_service(name: &str, args: &AddArgs) -> Result<Service> {
    let preset = presets::find(name)?;
    let mut settings = args.settings.clone();
    let mut set = |key: &str, value: &Option<String>| {
        if let Some(v) = value {
            settings.push((key.to_owned(), v.clone()));
        }
    };
    set("client_id", &args.client_id);
    set("username", &args.credentials.username);
    set("name", &args.name);
    set("docs_url", &args.docs_url);
    set("api_base", &args.api_base);
    set("refresh_token_lifetime", &args.refresh_token_lifetime);
    let mut service = preset.build(&settings)?;
    if let Some(p) = &args.port {
        service.redirect.ports =
            PortList::parse(p).map_err(|e| Error::Config(format!("--port: {e}")))?;
    }
    if !args.scopes.is_empty() {
        service.scopes = args.scopes.clone();
    }
    service.authorize_params.extend(args.params.iter().cloned());
    service
        .token_params
        .extend(args.token_params.iter().cloned());
    Ok(service)
}

/// The settings of client assertions, PAR, JAR and DPoP, which only the CLI's flags set so far.
fn modern_settings(args: &AddArgs, service: &mut Service) -> Result<()> {
    if let Some(aud) = &args.assertion_audience {
        service.assertion_audience = aud
            .parse()
            .map_err(|e: String| Error::Config(format!("--assertion-audience: {e}")))?;
    }
    if let Some(par) = &args.par {
        service.par = par
            .parse()
            .map_err(|e: String| Error::Config(format!("--par: {e}")))?;
    }
    if let Some(dpop) = &args.dpop {
        service.dpop = dpop
            .parse()
            .map_err(|e: String| Error::Config(format!("--dpop: {e}")))?;
    }
    if let Some(mode) = &args.request_object {
        service.request_object = mode
            .parse()
            .map_err(|e: String| Error::Config(format!("--request-object: {e}")))?;
    }
    service.validate().map_err(Error::Config)
}

async fn add(broker: &Broker, args: AddArgs) -> Result<()> {
    let id = args.id.clone();
    let mut service = service_from(&args)?;
    modern_settings(&args, &mut service)?;
    let password_needed = match &args.preset {
        Some(name) => presets::find(name)?.needs_password,
        None => false,
    };
    let given = SecretsGiven {
        client_secret: args.credentials.client_secret_stdin,
        password: args.credentials.password_stdin,
    };
    check_secrets(&service, given, password_needed).map_err(|e| e.into_error(flag))?;
    let secrets = output::read_client_secret_and_password(
        args.credentials.client_secret_stdin,
        args.credentials.password_stdin,
    )?;
    let (client_secret, password) = (secrets.client_secret, secrets.password);
    broker
        .add_service(&id, &service, args.replace, client_secret, password)
        .await?;
    println!(
        "Added service '{id}' ({}). {}",
        service.flow,
        output::next_step(&id, &service)
    );
    Ok(())
}

fn list(broker: &Broker, json: bool) -> Result<()> {
    let config = broker.load_config()?;
    if json {
        let list: Vec<_> = config
            .services
            .iter()
            .map(|(id, s)| {
                serde_json::json!({
                    "id": id.as_str(),
                    "name": s.display_name(id.as_str()),
                    "flow": s.flow.as_str(),
                    "accounts": s.account_names(),
                    "docs_url": s.docs_url.as_ref().map(HttpUrl::as_str),
                    "api_base": s.api_base.as_ref().map(HttpUrl::as_str),
                })
            })
            .collect();
        output::json_line(&serde_json::Value::Array(list));
        return Ok(());
    }
    if config.services.is_empty() {
        println!(
            "No services configured. Add one with `{}` (see `{}`).",
            crate::hints::command("service add"),
            crate::hints::command("service add --help")
        );
        return Ok(());
    }
    let rows: Vec<[String; 4]> = config
        .services
        .iter()
        .map(|(id, s)| {
            [
                id.to_string(),
                s.display_name(id.as_str()).to_owned(),
                s.flow.to_string(),
                s.account_names().join(", "),
            ]
        })
        .collect();
    print_table(["ID", "NAME", "FLOW", "ACCOUNTS"], &rows);
    Ok(())
}

async fn show(broker: &Broker, id: &ServiceId, json: bool) -> Result<()> {
    let config = broker.load_config()?;
    let service = config.service(id)?;
    let has_secret = if service.effective_client_auth().needs_secret() {
        Some(
            broker
                .has_secret(SecretKey::service(id, SecretKind::ClientSecret))
                .await?,
        )
    } else {
        None
    };
    let has_key = if service.effective_client_auth().needs_key() {
        Some(
            broker
                .has_secret(SecretKey::service(id, SecretKind::ClientKey))
                .await?,
        )
    } else {
        None
    };
    let accounts: Vec<_> = broker
        .status()?
        .into_iter()
        .filter(|a| &a.service == id)
        .collect();
    let now = output::now();
    let hint = paste_hint(service);
    let hint_text = crate::hints::paste_hint(&hint, id, service);
    if json {
        output::json_line(&serde_json::json!({
            "id": id,
            "service": service,
            "client_secret_stored": has_secret,
            "client_key_stored": has_key,
            "accounts": accounts,
            "paste_hint": hint,
            "paste_hint_text": hint_text,
            "paste_command": crate::hints::paste_command(&hint, id),
            "curl": crate::hints::paste_curl(id, service),
        }));
        return Ok(());
    }
    println!("{} ({id})", service.display_name(id.as_str()));
    let toml = settings_lines(service)?;
    for line in toml.lines() {
        println!("  {line}");
    }
    match has_secret {
        Some(true) => println!("  client secret: stored in the keyring"),
        Some(false) => println!(
            "  client secret: MISSING — store it with `{}`",
            crate::hints::command(&format!("service secret {id} --client-secret-stdin"))
        ),
        None => {}
    }
    match has_key {
        Some(true) => println!(
            "  private key: stored in the keyring (public key: `{}`)",
            crate::hints::command(&format!("key show {id}"))
        ),
        Some(false) => println!(
            "  private key: MISSING — make one with `{}` or import one with `{}`",
            crate::hints::command(&format!("key generate {id}")),
            crate::hints::command(&format!("key import {id} < key.pem"))
        ),
        None => {}
    }
    println!("Accounts:");
    for a in &accounts {
        println!("  {}: {}", a.account, describe(a, now));
    }
    println!("Swagger \"Authorize\": {hint_text}");
    Ok(())
}

pub fn settings_lines(service: &Service) -> Result<String> {
    serde_json::to_value(service)
        .map(|v| pretty_settings(&v))
        .map_err(|e| Error::Local(format!("could not show the service: {e}")))
}

/// key = value lines of the service's settings, nested tables as dotted keys.
fn pretty_settings(value: &serde_json::Value) -> String {
    fn walk(prefix: &str, v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&key, v, out);
                }
            }
            other => out.push(format!("{prefix} = {other}")),
        }
    }
    let mut out = Vec::new();
    walk("", value, &mut out);
    out.join("\n")
}

async fn secret(broker: &Broker, args: &SecretArgs) -> Result<()> {
    let config = broker.load_config()?;
    let service = config.service(&args.id)?;
    let secrets =
        output::read_client_secret_and_password(args.client_secret_stdin, args.password_stdin)?;
    if let Some(s) = secrets.client_secret {
        broker.set_client_secret(&args.id, s).await?;
        println!("Stored the client secret of '{}' in the keyring.", args.id);
    }
    if let Some(s) = secrets.password {
        let account = args.account.clone().unwrap_or_else(|| {
            service
                .accounts
                .first()
                .map_or_else(AccountName::default_account, |a| a.name.clone())
        });
        broker.set_password(&args.id, &account, s).await?;
        println!(
            "Stored the password of '{}/{account}' in the keyring.",
            args.id
        );
    }
    Ok(())
}
