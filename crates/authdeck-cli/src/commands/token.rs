//! `authdeck token`: a valid token on stdout and nothing else.

use authdeck_core::{Broker, Result};

use crate::args::{TokenArgs, TokenFormat};
use crate::output;

pub async fn run(broker: &Broker, args: TokenArgs) -> Result<()> {
    let token = broker
        .token(
            &args.service,
            args.account.as_deref(),
            args.min_valid.max(0),
        )
        .await?;
    let raw = token.access_token.expose();
    match args.format {
        TokenFormat::Raw => println!("{raw}"),
        TokenFormat::Bearer => println!("Bearer {raw}"),
        TokenFormat::Header => println!("Authorization: Bearer {raw}"),
        TokenFormat::Json => {
            let now = output::now();
            output::json_line(&serde_json::json!({
                "access_token": raw,
                "token_type": token.token_type,
                "expires_at": token.expires_at.map(authdeck_core::token::rfc3339),
                "expires_in": token.expires_at.map(|at| at - now),
                "scopes": token.scopes,
            }));
        }
    }
    Ok(())
}
