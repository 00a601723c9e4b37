//! `services.toml` and team files: hand-edited or shared, so any text must give a
//! configuration or an error with a line and column, never a panic.
#![no_main]

use std::path::Path;

use authdeck_core::config;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let path = Path::new("services.toml");
    match config::parse(path, text) {
        Ok(cfg) => {
            for (id, service) in &cfg.services {
                let _ = service.validate();
                let _ = service.account_names();
                let _ = service.display_name(id.as_str());
                let _ = authdeck_core::openapi::paste_hint(service);
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
    if config::team::looks_like_team_file(text) {
        let _ = config::team::parse_team_file(Path::new("team.toml"), text);
    }
});
