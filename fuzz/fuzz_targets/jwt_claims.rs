//! JWT claims decoding (display only) and token-endpoint answers: both read bytes a
//! provider controls. Neither may panic; a decoded payload is always a JSON object.
#![no_main]

use authdeck_core::token::{decode_jwt_claims, TokenResponse};
use base64::Engine as _;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        // The input as a whole token (dots, padding, odd alphabets).
        let _ = decode_jwt_claims(text);
    }
    // The input as a payload, so the fuzzer reaches the JSON decoding too.
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(data);
    let token = format!("eyJhbGciOiJub25lIn0.{payload}.sig");
    if let Some(claims) = decode_jwt_claims(&token) {
        // Only objects decode, and re-encoding them works.
        let _ = serde_json::to_string(&claims.0);
    }
    // The same bytes as a token endpoint's success body.
    if let Err(e) = TokenResponse::parse(data) {
        let _ = e.to_string();
    }
});
