//! The CLI's wording of core's [`Hint`]s: each an `authdeck …` command that works as
//! printed in the mode this process runs in — `--demo` kept in demo mode (a hint without
//! it would act on the user's own configuration), `--account` kept for any account but
//! `default`. Every line the CLI prints that names a command goes through [`command`].

use std::sync::OnceLock;

use authdeck_core::config::DEFAULT_ACCOUNT;
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
