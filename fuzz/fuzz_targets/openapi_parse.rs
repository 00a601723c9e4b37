//! The OpenAPI / Swagger importer reads documents from any URL the user gives it: any
//! text must give proposals or an error, never a panic or a runaway allocation.
#![no_main]

use authdeck_core::openapi;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let origin = url::Url::parse("https://api.example.org/v1/openapi.json").ok();
    for doc_url in [origin.as_ref(), None] {
        match openapi::parse(text, doc_url) {
            Ok(doc) => {
                for proposal in openapi::propose(&doc) {
                    let _ = format!("{proposal:?}");
                }
            }
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
});
