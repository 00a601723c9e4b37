//! The loopback listener's request-head parser: the one piece of Authdeck any local
//! process (or a web page, through the browser) can send arbitrary bytes to.
#![no_main]

use authdeck_core::loopback::{parse_request_head, RequestError, MAX_HEAD_LEN};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match parse_request_head(data) {
        Ok(head) => {
            // What the listener relies on for an accepted head.
            assert!(head.target.starts_with('/'), "target {:?}", head.target);
            assert!(head.target.bytes().all(|b| (0x21..=0x7e).contains(&b)));
            assert!(!head.method.is_empty());
            // Debug shows the target's path and hides its query (the authorization code).
            let shown = format!("{head:?}");
            let expected = match head.target.split_once('?') {
                Some((path, _)) => format!("target: {path}?<redacted>,"),
                None => format!("target: {},", head.target),
            };
            assert!(shown.contains(&expected), "{shown} lacks {expected}");
        }
        Err(RequestError::Incomplete) => {
            // More bytes can only be awaited while under the cap.
            assert!(data.len() < MAX_HEAD_LEN);
        }
        Err(RequestError::TooLarge | RequestError::Malformed(_)) => {}
    }
});
