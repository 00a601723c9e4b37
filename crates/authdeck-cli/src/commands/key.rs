//! `authdeck key generate|import|show`: a service's private key for `private_key_jwt`.
//! The private key goes to the keyring only; what is printed is the public JWK (or a
//! JWKS), which the user registers with the provider.

use std::io::{IsTerminal, Read};

use authdeck_core::secret::ClientKey;
use authdeck_core::{Broker, Error, Hint, Result};

use crate::args::{KeyAlgArg, KeyCommand};
use crate::output;

/// An imported key is at most this long (an RSA 8192 PEM is under 7 KiB).
const MAX_PEM: usize = 64 * 1024;

pub async fn run(broker: &Broker, cmd: KeyCommand) -> Result<()> {
    match cmd {
        KeyCommand::Generate(args) => {
            if args.alg == KeyAlgArg::Rs256 {
                return Err(Error::Config(
                    "Authdeck generates ES256 keys only (its crypto library makes no RSA keys): make an RSA key with `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072` and import it".into(),
                )
                .with_hint(Hint::SetClientKey {
                    service: args.service.to_string(),
                }));
            }
            let jwk = broker.generate_client_key(&args.service).await?;
            eprintln!(
                "Generated an ES256 key for '{}' and stored it in the keyring. Register this public key with the provider:",
                args.service
            );
            print_jwk(jwk, args.jwks);
            Ok(())
        }
        KeyCommand::Import(args) => {
            let pem = read_pem()?;
            let jwk = broker.import_client_key(&args.service, pem).await?;
            eprintln!(
                "Stored the key of '{}' in the keyring (delete the PEM file if it is no longer needed). Its public key:",
                args.service
            );
            print_jwk(jwk, args.jwks);
            Ok(())
        }
        KeyCommand::Show(args) => {
            let jwk = broker.client_public_jwk(&args.service).await?;
            print_jwk(jwk, args.jwks);
            Ok(())
        }
    }
}

fn print_jwk(jwk: serde_json::Value, jwks: bool) {
    let value = if jwks {
        serde_json::json!({ "keys": [jwk] })
    } else {
        jwk
    };
    output::json_line(&value);
}

/// The PEM text on stdin, moved straight into its secret type.
fn read_pem() -> Result<ClientKey> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Err(Error::Config(format!(
            "give the PEM key on stdin, e.g. `{}`",
            crate::hints::command("key import SERVICE < key.pem")
        )));
    }
    // Reserved up front, so that growing the buffer leaves no copy of the key behind.
    let mut text = String::with_capacity(MAX_PEM + 1);
    let read = stdin
        .lock()
        .take(MAX_PEM as u64 + 1)
        .read_to_string(&mut text);
    let key = ClientKey::new(text);
    read.map_err(|e| Error::Local(format!("could not read the key from stdin: {e}")))?;
    if key.expose().len() > MAX_PEM {
        return Err(Error::Config(
            "stdin holds more than 64 KiB: give one PEM private key".into(),
        ));
    }
    Ok(key)
}
