//! What the docs' Swagger "Authorize" dialog wants pasted, in the desktop's words: core
//! says which box and which form of the token ([`PasteHint`]); the desktop names the copy
//! button that copies it (the labels of `ui/src/tokenPanel/copyButtons.ts`), never a CLI
//! command.

use authdeck_core::config::Service;
use authdeck_core::format::TokenFormat;
use authdeck_core::openapi::{paste_hint, PasteHint};
use serde::Serialize;
use ts_rs::TS;

use super::PasteHintKind;

/// The copy button of the raw token.
const TOKEN_BUTTON: &str = "the \"Token\" button";
/// The copy button of `Bearer <token>`.
const BEARER_BUTTON: &str = "the \"Bearer …\" button";
/// The copy button of the curl line.
const CURL_BUTTON: &str = "the \"curl command\" button";

/// Which box of the docs' Authorize dialog the token goes into.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PasteHintView {
    pub kind: PasteHintKind,
    pub message: String,
}

impl PasteHintView {
    /// The hint for a DPoP-bound token, whatever the docs take: it cannot be pasted.
    pub fn dpop_bound() -> Self {
        PasteHintView {
            kind: PasteHintKind::CannotPaste,
            message: "This token is DPoP-bound: pasted alone into the docs' Authorize dialog (or anywhere else) it opens nothing, because each request needs a fresh proof of this account's key. Start the API proxy below and use its docs page: the proxy adds the token and a proof to each request.".into(),
        }
    }

    /// The hint of `service`'s docs.
    pub fn of(service: &Service) -> Self {
        let hint = paste_hint(service);
        PasteHintView {
            kind: PasteHintKind::from(&hint),
            message: paste_hint_text(&hint),
        }
    }
}

/// The copy button that copies the token in `format`.
fn button(format: TokenFormat) -> &'static str {
    match format {
        TokenFormat::Bearer => BEARER_BUTTON,
        TokenFormat::Curl => CURL_BUTTON,
        TokenFormat::Raw | TokenFormat::Header => TOKEN_BUTTON,
    }
}

/// One or two sentences for people, naming the copy button.
pub fn paste_hint_text(hint: &PasteHint) -> String {
    let name = hint.scheme().map(|n| format!("'{n}' ")).unwrap_or_default();
    let copies = hint.format().map(button).unwrap_or(TOKEN_BUTTON);
    match hint {
        PasteHint::RawToken { .. } => format!(
            "In the docs' Authorize dialog, paste the raw token into the {name}(HTTP bearer) box, without a \"Bearer \" prefix: {copies} copies it."
        ),
        PasteHint::BearerPrefix { .. } => format!(
            "The docs' {name}box is an API key named Authorization: paste \"Bearer <token>\", which {copies} copies."
        ),
        PasteHint::AsIs { param, location, .. } => format!(
            "In the docs' Authorize dialog, paste the value as is into the {name}box ({param} in the {location}): {copies} copies it."
        ),
        PasteHint::CannotPaste { .. } => format!(
            "The docs' {name}scheme is OAuth2 only, and Swagger UI cannot take a pasted token there (swagger-ui issue 5320). Call the API with the line {CURL_BUTTON} copies instead, or log in with the docs' own Authorize button."
        ),
        PasteHint::Unknown => format!(
            "No Swagger scheme is set for this service: an HTTP bearer box wants the raw token ({TOKEN_BUTTON}); an apiKey box named Authorization wants \"Bearer <token>\" ({BEARER_BUTTON})."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_hint_names_a_copy_button_not_a_command() {
        let hints = super::super::enums::sample_paste_hints();
        for hint in &hints {
            let text = paste_hint_text(hint);
            assert!(text.contains("button"), "{text}");
            assert!(!text.contains("authdeck"), "{text}");
            assert!(!text.contains("--"), "{text}");
        }
        assert!(paste_hint_text(&hints[1]).contains(BEARER_BUTTON));
        assert!(paste_hint_text(&hints[3]).contains(CURL_BUTTON));
    }
}
