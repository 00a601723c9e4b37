//! What the user can do about an error, as data: core's messages say what happened and
//! never name a CLI command; each front end words the [`Hint`] its own way (the CLI as
//! an `authdeck …` command in the mode it runs in, the desktop app as a step in the
//! window), so a desktop user is never told to run a command.
//!
//! It travels over the agent's socket as JSON (`agent/protocol.rs`), so it is
//! `Serialize`/`Deserialize`; it never holds a secret.

use serde::{Deserialize, Serialize};

/// The next step for the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case")]
pub enum Hint {
    /// Log in to the account (again), which also creates it when it is new.
    LogIn { service: String, account: String },
    /// Paste a (new) token or API key for the account.
    PasteToken { service: String, account: String },
    /// Store the account's (right) password.
    StorePassword { service: String, account: String },
    /// Store the service's (right) client secret.
    StoreClientSecret { service: String },
    /// Give the service a private key for `private_key_jwt` (generate one or import one)
    /// and register its public key with the provider.
    SetClientKey { service: String },
    /// Check the service's client id: the provider does not know it (a public client,
    /// which has no secret to store).
    CheckClientId { service: String },
    /// Name the account to use: the service has several and none is the default.
    ChooseAccount { service: String },
    /// Mint a (new) app token for the account (NOMAD).
    MintAppToken { service: String, account: String },
    /// Give the account a user name (password grant).
    SetUsername { service: String, account: String },
    /// Log out of the account and in again (its keyring entry cannot be read).
    LogOutAndIn { service: String, account: String },
    /// See which services are configured.
    ListServices,
    /// Remove the whole service (its only account cannot be removed on its own).
    RemoveService { service: String },
    /// A service of this id exists: remove it first, or replace it.
    ReplaceService { service: String },
    /// Add the service by hand (an import could not make one).
    AddServiceByHand,
    /// Supply what is missing or wrong (creating a service from an OpenAPI document).
    Supply { need: Need },
    /// Give a preset the input it needs (its `key`, shown as `label`).
    SetPresetInput { key: String, label: String },
    /// The account's token is DPoP-bound: reach the API through Authdeck's proxy (which
    /// adds a fresh proof to each request), or get a proof for each request.
    UseDpopProof { service: String, account: String },
    /// The provider wants DPoP-bound tokens: set the service's `dpop` setting (`auto` or
    /// `always`), then log in again.
    TurnOnDpop { service: String },
}

/// Something the user must supply before a service proposed from an OpenAPI document
/// becomes a service (`openapi::Proposal::needs`). Each front end says where it goes:
/// the CLI names its flag, the desktop its form field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Need {
    /// The OAuth client id (never in an OpenAPI document).
    ClientId,
    /// A client id, if the provider wants one (password grants of public clients may
    /// have none).
    ClientIdIfRequired,
    /// The client secret (client credentials).
    ClientSecret,
    /// A client secret, if the provider registered the client as confidential.
    ClientSecretIfConfidential,
    /// The user name of the password grant.
    Username,
    /// The password of the password grant (at login time).
    Password,
    /// A token to paste (at login time).
    Token,
    /// An API key to paste (at login time).
    ApiKey,
    /// A token URL: the document's only flow (implicit) has none.
    TokenUrl,
    /// A client key pair (`private_key_jwt`), generated after the service is added,
    /// whose public key is registered with the provider.
    ClientKey,
}

impl Hint {
    /// The service the hint is about, if any.
    pub fn service(&self) -> Option<&str> {
        match self {
            Hint::LogIn { service, .. }
            | Hint::PasteToken { service, .. }
            | Hint::StorePassword { service, .. }
            | Hint::StoreClientSecret { service }
            | Hint::SetClientKey { service }
            | Hint::ChooseAccount { service }
            | Hint::CheckClientId { service }
            | Hint::MintAppToken { service, .. }
            | Hint::SetUsername { service, .. }
            | Hint::LogOutAndIn { service, .. }
            | Hint::UseDpopProof { service, .. }
            | Hint::TurnOnDpop { service }
            | Hint::RemoveService { service }
            | Hint::ReplaceService { service } => Some(service),
            Hint::ListServices
            | Hint::AddServiceByHand
            | Hint::Supply { .. }
            | Hint::SetPresetInput { .. } => None,
        }
    }
}
