//! Errors as the UI sees them: `{ code, message, hint }`. The message is the core error's,
//! which never contains a secret nor a CLI command; the hint is the desktop's own wording
//! of core's typed next step ([`Hint`]), so a desktop user is never told to run a command.

use authdeck_core::hint::Need;
use authdeck_core::{ErrorKind, Hint, Refusal};
use serde::Serialize;
use ts_rs::TS;

/// What the UI can branch on: only codes a consumer uses, plus the refusal types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The user cancelled (not worth showing).
    Cancelled,
    /// The OS keyring failed (the message is prefixed "Keyring: ").
    Keyring,
    /// The provider refused the user name or password.
    BadUserCredentials,
    /// The provider refused the client id or client secret.
    BadClientCredentials,
    /// The login was denied, or consent is missing.
    ConsentDenied,
    /// The refresh token or authorization code expired or was revoked.
    GrantExpired,
    /// The provider failed on its side.
    ProviderBroken,
    /// Anything else.
    Other,
}

impl ErrorCode {
    fn of(e: &authdeck_core::Error) -> Self {
        Self::from_parts(e.kind(), e.refusal())
    }

    /// The code of an error of `kind` that is `refusal` (if one): also for errors kept
    /// in an account's activity.
    pub fn from_parts(kind: ErrorKind, refusal: Option<Refusal>) -> Self {
        if let Some(refusal) = refusal {
            return match refusal {
                Refusal::BadUserCredentials => ErrorCode::BadUserCredentials,
                Refusal::BadClientCredentials => ErrorCode::BadClientCredentials,
                Refusal::ConsentDenied => ErrorCode::ConsentDenied,
                Refusal::GrantExpired => ErrorCode::GrantExpired,
                Refusal::ProviderBroken => ErrorCode::ProviderBroken,
                // Nothing in the window branches on it: its hint says what to do.
                Refusal::DpopRequired => ErrorCode::Other,
            };
        }
        match kind {
            ErrorKind::Cancelled => ErrorCode::Cancelled,
            ErrorKind::Keyring => ErrorCode::Keyring,
            _ => ErrorCode::Other,
        }
    }
}

/// An error sent to the webview.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ErrorDto {
    pub code: ErrorCode,
    pub message: String,
    /// What to do, in the desktop's words (a step in the window).
    pub hint: Option<String>,
}

impl From<authdeck_core::Error> for ErrorDto {
    fn from(e: authdeck_core::Error) -> Self {
        ErrorDto {
            code: ErrorCode::of(&e),
            message: e.to_string(),
            hint: e.hint().map(|h| hint_text(&h)),
        }
    }
}

/// The desktop's wording of a hint.
pub fn hint_text(hint: &Hint) -> String {
    match hint {
        Hint::LogIn { .. } => "Log in again.".into(),
        Hint::PasteToken { .. } => "Paste a new token for this account.".into(),
        Hint::StorePassword { .. } => {
            "Enter the right password in the service's panel, under Accounts.".into()
        }
        Hint::StoreClientSecret { .. } => {
            "Enter the right client secret with \"Edit service…\" in the service's panel.".into()
        }
        Hint::SetClientKey { .. } => {
            "Give the service a private key and register its public key with the provider (for now with the `authdeck key` command).".into()
        }
        Hint::CheckClientId { .. } => {
            "Check the client ID with \"Edit service…\" in the service's panel.".into()
        }
        Hint::ChooseAccount { .. } => "Choose one of the service's accounts.".into(),
        Hint::MintAppToken { .. } => {
            "Create one with \"Create app token\" in the service's panel.".into()
        }
        Hint::SetUsername { .. } => {
            "Enter the user name in the service's panel, under Accounts.".into()
        }
        Hint::LogOutAndIn { .. } => "Log out of this account, then log in again.".into(),
        Hint::ListServices => "Choose a service from the list.".into(),
        Hint::RemoveService { .. } => "Remove the whole service instead.".into(),
        Hint::ReplaceService { .. } => {
            "Choose another id, or remove the existing service first.".into()
        }
        Hint::AddServiceByHand => "Add the service by hand instead.".into(),
        Hint::Supply { need } => format!("Enter {}.", need_text(*need)),
        Hint::SetPresetInput { label, .. } => format!("Enter the {label} in the form."),
        Hint::UseDpopProof { .. } => {
            "This token is DPoP-bound: it cannot be copied or pasted on its own. Start the API proxy in the token panel and send your requests through it: it adds a fresh proof to each one.".into()
        }
        Hint::TurnOnDpop { .. } => {
            "The provider wants DPoP-bound tokens: set dpop = \"auto\" for this service in services.toml, then log in again.".into()
        }
    }
}

/// What an OpenAPI import still needs, as the desktop asks for it: the field of the
/// import form, or the step after adding the service.
pub fn need_text(need: Need) -> &'static str {
    match need {
        Need::ClientId => {
            "the client id registered at the provider (in the form's Client id field)"
        }
        Need::ClientIdIfRequired => {
            "a client id, if the provider requires one (in the form's Client id field)"
        }
        Need::ClientSecret => "the client secret (in the form's Client secret field)",
        Need::ClientSecretIfConfidential => {
            "the client secret, if the client is confidential (in the form's Client secret field)"
        }
        Need::Username => "your user name (in the form's User name field)",
        Need::Password => "your password (asked for when you log in)",
        Need::Token => "a token (pasted in the service's panel after adding it)",
        Need::ApiKey => "the API key (pasted in the service's panel after adding it)",
        Need::TokenUrl => {
            "the token URL, which the document does not give (in the form's Token URL field)"
        }
        Need::ClientKey => {
            "a key pair for the client (private_key_jwt), generated after adding the service, whose public key you register with the provider"
        }
    }
}

/// The error as one sentence for places without the UI's formatting (login events,
/// notifications): the message, then the hint.
pub fn describe(e: &authdeck_core::Error) -> String {
    match e.hint() {
        Some(h) => format!("{}. {}", e.to_string().trim_end_matches('.'), hint_text(&h)),
        None => e.to_string(),
    }
}

/// The result type of every command.
pub type CmdResult<T> = Result<T, ErrorDto>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_has_its_code_and_a_desktop_hint() {
        let e = authdeck_core::Error::refused(Refusal::BadUserCredentials, "refused").with_hint(
            Hint::StorePassword {
                service: "nomad".into(),
                account: "default".into(),
            },
        );
        let dto = ErrorDto::from(e);
        assert_eq!(dto.code, ErrorCode::BadUserCredentials);
        let hint = dto.hint.unwrap_or_default();
        assert!(hint.contains("password"), "{hint}");
        assert!(!hint.contains("authdeck"), "{hint}");
        let at = authdeck_core::ids::AccountRef::new(
            "s".parse().expect("id"),
            "a".parse().expect("name"),
        );
        let login = ErrorDto::from(authdeck_core::Error::login_required(&at, "why"));
        assert_eq!(login.hint.as_deref(), Some("Log in again."));
        assert!(!login.message.contains("authdeck"), "{}", login.message);
    }

    #[test]
    fn a_missing_import_field_names_the_form_field_not_a_flag() {
        let e = authdeck_core::Error::Config("'oauth' uses client credentials".into()).with_hint(
            Hint::Supply {
                need: Need::ClientSecret,
            },
        );
        let hint = ErrorDto::from(e).hint.unwrap_or_default();
        assert!(hint.contains("Client secret field"), "{hint}");
        assert!(!hint.contains("--"), "{hint}");
    }
}
