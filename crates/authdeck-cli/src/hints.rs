//! The CLI's wording of core's [`Hint`]s: each an `authdeck …` command that works as
//! printed in the mode this process runs in — `--demo` kept in demo mode (a hint without
//! it would act on the user's own configuration), `--account` kept for any account but
//! `default`. Every line the CLI prints that names a command goes through [`command`].
//! Also the CLI's wording of the other typed data core leaves to the front ends: what an
//! OpenAPI import still needs ([`need`], as flags) and what the docs' Authorize dialog
//! wants pasted ([`paste_hint`], as `authdeck token` commands).

use std::sync::OnceLock;

use authdeck_core::config::{KeyLocation, Service, ServiceId, DEFAULT_ACCOUNT};
use authdeck_core::format::{TokenFormat, TokenKind, PLACEHOLDER_API_BASE};
use authdeck_core::hint::Need;
use authdeck_core::openapi::PasteHint;
use authdeck_core::{Error, Hint};

/// Whether this process runs in demo mode (`--demo`), set once after parsing.
static DEMO: OnceLock<bool> = OnceLock::new();

/// Records the mode the command line asked for (called once, by `commands::main`).
pub fn set_demo(demo: bool) {
    let _ = DEMO.set(demo);
}

fn demo() -> bool {
    DEMO.get().copied().unwrap_or(false)
}

/// `authdeck <args>` as the user must type it in this mode.
pub fn command(args: &str) -> String {
    if demo() {
        format!("authdeck --demo {args}")
    } else {
        format!("authdeck {args}")
    }
}

/// A word of a command line, quoted for a POSIX shell when it needs it.
fn word(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "._@+-/:=".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// `<service>` or `<service> --account <name>` (the flag with `=` when the name starts
/// with a dash, so it is not read as a flag).
fn target(service: &str, account: &str) -> String {
    let service = word(service);
    if account == DEFAULT_ACCOUNT {
        service
    } else if account.starts_with('-') {
        format!("{service} --account={}", word(account))
    } else {
        format!("{service} --account {}", word(account))
    }
}

/// The hint as the CLI says it: what to do, with the command to run.
pub fn wording(hint: &Hint) -> String {
    match hint {
        Hint::LogIn { service, account } => {
            format!(
                "run `{}`",
                command(&format!("login {}", target(service, account)))
            )
        }
        Hint::PasteToken { service, account } => format!(
            "paste it with `{}` (it reads it from stdin)",
            command(&format!("login {}", target(service, account)))
        ),
        Hint::StorePassword { service, account } => format!(
            "store the right password with `{}`",
            command(&format!(
                "service secret {} --password-stdin",
                target(service, account)
            ))
        ),
        Hint::StoreClientSecret { service } => format!(
            "store the right client secret with `{}`",
            command(&format!(
                "service secret {} --client-secret-stdin",
                word(service)
            ))
        ),
        Hint::SetClientKey { service } => format!(
            "give it a key with `{}` (or import yours: `{}`), then register the public key `{}` prints with the provider",
            command(&format!("key generate {}", word(service))),
            command(&format!("key import {} < key.pem", word(service))),
            command(&format!("key show {} --jwks", word(service)))
        ),
        Hint::CheckClientId { service } => format!(
            "check the service's client id (`{}` shows it) and correct it in services.toml",
            command(&format!("service show {}", word(service)))
        ),
        Hint::ChooseAccount { .. } => "choose one with --account".to_owned(),
        Hint::MintAppToken { service, account } => format!(
            "mint one with `{}`",
            command(&format!(
                "token {} --app-token --expires-in 7d",
                target(service, account)
            ))
        ),
        Hint::SetUsername { service, account } => {
            format!("give account '{account}' of '{service}' a `username` in services.toml")
        }
        Hint::LogOutAndIn { service, account } => format!(
            "log out and in again: `{}`, then `{}`",
            command(&format!("logout {}", target(service, account))),
            command(&format!("login {}", target(service, account)))
        ),
        Hint::ListServices => format!("`{}` shows the configured ones", command("service list")),
        Hint::RemoveService { service } => format!(
            "remove the service with `{}`",
            command(&format!("service remove {}", word(service)))
        ),
        Hint::ReplaceService { service } => format!(
            "remove it first (`{}`) or pass --replace",
            command(&format!("service remove {}", word(service)))
        ),
        Hint::AddServiceByHand => format!(
            "add the service by hand (`{}` shows how)",
            command("service add --help")
        ),
        Hint::Supply { need: what } => format!("pass {}", need(*what)),
        Hint::SetPresetInput { key, .. } => format!("add --set {key}=…"),
        Hint::UseDpopProof { service, account } => format!(
            "reach its API through `{}`, which adds a fresh proof to each request, or print the header lines of one request with `{}`",
            command(&format!("proxy {}", target(service, account))),
            command(&format!(
                "token {} --dpop-proof GET https://api.example.org/path",
                target(service, account)
            ))
        ),
        Hint::TurnOnDpop { service } => format!(
            "set `dpop = \"auto\"` (or \"always\") in `[services.{service}]` of services.toml, then log in again with `{}`",
            command(&format!("login {}", word(service)))
        ),
    }
}

/// What the user must supply, as the CLI asks for it (the flag that gives it).
pub fn need(need: Need) -> &'static str {
    match need {
        Need::ClientId => "a client id registered at the provider (--client-id)",
        Need::ClientIdIfRequired => "a client id, if the provider requires one (--client-id)",
        Need::ClientSecret => "the client secret (--client-secret-stdin)",
        Need::ClientSecretIfConfidential => {
            "the client secret, if the client is confidential (--client-secret-stdin)"
        }
        Need::Username => "your user name (--username)",
        Need::Password => "your password (stored in the keyring at login)",
        Need::Token => "a token to paste (`authdeck login` reads it from stdin)",
        Need::ApiKey => "the API key to paste (`authdeck login` reads it from stdin)",
        Need::TokenUrl => "the token URL, which the document does not give (--token-url)",
        Need::ClientKey => {
            "a key pair, after the import: `authdeck key generate <id> --jwks`, then register the printed JWKS with the provider (or give --client-secret-stdin for a client with a secret)"
        }
    }
}

/// The `authdeck token` command that prints what the docs' Authorize dialog wants
/// pasted, if anything can be pasted.
pub fn paste_command(hint: &PasteHint, service_id: &ServiceId) -> Option<String> {
    let id = word(service_id.as_str());
    Some(match hint.format()? {
        TokenFormat::Bearer => command(&format!("token {id} --format bearer")),
        _ => command(&format!("token {id}")),
    })
}

/// A curl line that calls the service's API with its token (printed by `authdeck token`
/// when it runs).
pub fn paste_curl(service_id: &ServiceId, service: &Service) -> String {
    let base = service
        .api_base
        .as_ref()
        .map_or(PLACEHOLDER_API_BASE, |u| u.as_str());
    let base = base.trim_end_matches('/');
    let id = word(service_id.as_str());
    // How the API takes the token is core's `format` rule; `--format header` prints an
    // API key's own header (or cookie) line too.
    match TokenKind::of(service) {
        TokenKind::ApiKey {
            location: KeyLocation::Query,
            name,
        } => format!(
            "curl \"{base}/…?{name}=$({})\"",
            command(&format!("token {id}"))
        ),
        _ => format!(
            "curl -H \"$({})\" {base}/…",
            command(&format!("token {id} --format header"))
        ),
    }
}

/// What to paste into the docs' Authorize dialog, in one or two sentences with the
/// command that prints it.
pub fn paste_hint(hint: &PasteHint, service_id: &ServiceId, service: &Service) -> String {
    let name = hint.scheme().map(|n| format!("'{n}' ")).unwrap_or_default();
    let printed = paste_command(hint, service_id).unwrap_or_default();
    match hint {
        PasteHint::RawToken { .. } => format!(
            "In the docs' Authorize dialog, paste the raw token into the {name}(HTTP bearer) box, without a `Bearer ` prefix: `{printed}` prints it."
        ),
        PasteHint::BearerPrefix { .. } => format!(
            "The docs' {name}box is an API key named Authorization: paste `Bearer <token>`, which `{printed}` prints."
        ),
        PasteHint::AsIs { param, location, .. } => format!(
            "In the docs' Authorize dialog, paste the value as is into the {name}box ({param} in the {location}): `{printed}` prints it."
        ),
        PasteHint::CannotPaste { .. } => format!(
            "The docs' {name}scheme is OAuth2 only, and Swagger UI cannot take a pasted token there (swagger-ui issue 5320). Call the API with curl instead: {} — or log in with the docs' own Authorize button.",
            paste_curl(service_id, service)
        ),
        PasteHint::Unknown => format!(
            "No Swagger scheme is set for this service (swagger.scheme): `{}` prints the raw token an HTTP bearer box wants; `--format bearer` prints the `Bearer <token>` an apiKey box named Authorization wants.",
            command(&format!("token {}", word(service_id.as_str())))
        ),
    }
}

/// The error as the CLI prints it: core's message, then the hint in the CLI's words.
pub fn describe(e: &Error) -> String {
    match e.hint() {
        Some(hint) => format!("{e}: {}", wording(&hint)),
        None => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_and_odd_words_are_kept_as_typed() {
        assert_eq!(target("nomad", "default"), "nomad");
        assert_eq!(target("nomad", "work"), "nomad --account work");
        assert_eq!(target("nomad", "-x"), "nomad --account=-x");
        assert_eq!(word("it's"), r"'it'\''s'");
    }

    #[test]
    fn a_service_with_several_accounts_asks_for_the_flag() {
        let e = Error::Config("'s' has several accounts (a, b)".into()).with_hint(
            Hint::ChooseAccount {
                service: "s".into(),
            },
        );
        let text = describe(&e);
        assert!(text.ends_with(": choose one with --account"), "{text}");
    }

    #[test]
    fn a_dpop_bound_token_points_at_the_proxy_and_at_proofs_for_the_account() {
        let text = wording(&Hint::UseDpopProof {
            service: "lab".into(),
            account: "work".into(),
        });
        assert!(
            text.contains("`authdeck proxy lab --account work`"),
            "{text}"
        );
        assert!(
            text.contains("`authdeck token lab --account work --dpop-proof GET "),
            "{text}"
        );
        let text = wording(&Hint::TurnOnDpop {
            service: "lab".into(),
        });
        assert!(
            text.contains("dpop = \"auto\"") && text.contains("`authdeck login lab`"),
            "{text}"
        );
    }

    #[test]
    fn a_missing_app_token_names_the_command_that_mints_one() {
        let text = wording(&Hint::MintAppToken {
            service: "nomad".into(),
            account: "work".into(),
        });
        assert_eq!(
            text,
            "mint one with `authdeck token nomad --account work --app-token --expires-in 7d`"
        );
    }
}
