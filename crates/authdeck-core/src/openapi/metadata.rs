//! What the provider's metadata adds to proposals: for each proposal whose scheme names
//! the metadata (an `openIdConnect` scheme's `openIdConnectUrl`, an `oauth2` scheme's
//! `oauth2MetadataUrl`), the metadata is read from the service's issuer exactly as the
//! service will discover it later (through the one client), and the strongest client
//! authentication it lists is proposed ([`Proposal::prefer_auth_methods`]). A provider
//! that cannot be read leaves the proposal as it was, with a note saying so: an import
//! never fails for it.

use super::Proposal;
use crate::discovery;
use crate::http::HttpClient;

/// Completes `proposals` with their providers' metadata (see the module's header).
pub async fn with_metadata(http: &HttpClient, proposals: &mut [Proposal]) {
    for proposal in proposals.iter_mut() {
        if proposal.metadata_url.is_none() || proposal.preset.is_some() {
            continue;
        }
        let Some(issuer) = proposal.service.issuer.clone() else {
            continue;
        };
        match discovery::discover(http, issuer.url()).await {
            Ok(metadata) if metadata.token_endpoint_auth_methods_supported.is_empty() => {
                proposal.notes.push(format!(
                    "the provider's metadata lists no token_endpoint_auth_methods_supported: client authentication as proposed (check it with {})",
                    metadata.issuer
                ));
            }
            Ok(metadata) => {
                proposal.prefer_auth_methods(&metadata.token_endpoint_auth_methods_supported);
            }
            Err(e) => proposal.notes.push(format!(
                "the provider's metadata could not be read ({e}): client authentication as proposed"
            )),
        }
    }
}
