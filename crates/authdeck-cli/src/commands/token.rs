//! `authdeck token`: a valid token on stdout and nothing else.

use authdeck_core::{Broker, Result};

use crate::args::{TokenArgs, TokenFormat};
use crate::output;

pub async fn run(broker: &Broker, args: TokenArgs) -> Result<()> {
    let min_valid = args.min_valid.max(0);
    let account = args.account.as_deref();
    let token = if args.app_token {
        broker
            .app_token(&args.service, account, args.expires_in, min_valid)
            .await?
    } else {
        broker.token(&args.service, account, min_valid).await?
    };
    let raw = token.access_token.expose();
    match args.format {
        TokenFormat::Raw => println!("{raw}"),
        TokenFormat::Bearer => println!("Bearer {raw}"),
        TokenFormat::Header if token.token_type == "ApiKey" => {
            // An API key travels in its own header, as is.
            let config = broker.load_config()?;
            let param = config
                .service(&args.service)?
                .swagger
                .as_ref()
                .and_then(|s| s.param.clone())
                .unwrap_or_else(|| "X-API-Key".to_owned());
            println!("{param}: {raw}");
        }
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
