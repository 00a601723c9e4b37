//! The TypeScript twins of the DTOs and commands, generated from Rust into
//! `ui/src/bindings/` and committed. `cargo test -p authdeck-desktop bindings` rewrites
//! them when `AUTHDECK_WRITE_BINDINGS=1` and otherwise fails if the committed files are
//! stale.

use ts_rs::TS;

use crate::commands::COMMANDS;
use crate::dto::*;
use crate::error::{ErrorCode, ErrorDto};

const HEADER: &str = "// Generated from src-tauri (ts-rs and src-tauri/src/commands.rs). Do not edit by hand:\n// `AUTHDECK_WRITE_BINDINGS=1 cargo test -p authdeck-desktop bindings` regenerates it,\n// and the same test without the variable fails when it is stale.\n";

/// `ui/src/bindings/types.ts`.
pub fn types_ts() -> String {
    let decls = [
        ErrorCode::decl(),
        ErrorDto::decl(),
        StatusKind::decl(),
        AccountView::decl(),
        TokenSummary::decl(),
        CopyFormat::decl(),
        CopyOutcome::decl(),
        LoginEventKind::decl(),
        LoginEventDto::decl(),
        PresetInputView::decl(),
        PresetView::decl(),
        Theme::decl(),
        Settings::decl(),
        ServiceSettings::decl(),
        ServiceUpdate::decl(),
        NewAccount::decl(),
        PasteHintView::decl(),
        HeaderCopyView::decl(),
        ScopeView::decl(),
        ProposalView::decl(),
        OpenApiView::decl(),
        ImportRequest::decl(),
        ExportOutcome::decl(),
        NewServiceFromPreset::decl(),
        NewServiceManual::decl(),
        DiscoveredEndpoints::decl(),
        AppInfo::decl(),
        NoticeLevel::decl(),
        NoticeDto::decl(),
    ];
    let mut out = String::from(HEADER);
    for d in decls {
        out.push('\n');
        out.push_str("export ");
        out.push_str(&d);
        out.push('\n');
    }
    out
}

/// `ui/src/bindings/commands.ts`.
pub fn commands_ts() -> String {
    let mut types: Vec<&str> = COMMANDS
        .iter()
        .flat_map(|c| {
            c.params
                .split([',', ':', ' ', '[', ']', '|'])
                .chain(c.returns.split([' ', '[', ']', '|']))
        })
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .collect();
    types.sort_unstable();
    types.dedup();
    let mut out = String::from(HEADER);
    out.push_str("\nimport { invoke } from \"@tauri-apps/api/core\";\nimport type {\n");
    for t in types {
        out.push_str(&format!("  {t},\n"));
    }
    out.push_str("} from \"./types\";\n\nexport const commands = {\n");
    for c in COMMANDS {
        let names: Vec<&str> = c
            .params
            .split(", ")
            .filter_map(|p| p.split(':').next())
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .collect();
        let args = if names.is_empty() {
            String::new()
        } else {
            format!(", {{ {} }}", names.join(", "))
        };
        out.push_str(&format!(
            "  {}: ({}) => invoke<{}>(\"{}\"{args}),\n",
            c.js, c.params, c.returns, c.rust
        ));
    }
    out.push_str(
        "};\n\n/** Event names the shell emits (payload types in ./types). */\nexport const events = {\n  /** LoginEventDto: the browser opened, or a device code to show. */\n  login: \"login-event\",\n  /** null: account states changed (background refresh, login elsewhere). */\n  accountsChanged: \"accounts-changed\",\n  /** null: the copied token was cleared from the clipboard. */\n  clipboardCleared: \"clipboard-cleared\",\n  /** NoticeDto: something to tell the user (e.g. an account needs a login). */\n  notice: \"notice\",\n} as const;\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    fn check(name: &str, expected: &str) {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../ui/src/bindings")
            .join(name);
        if std::env::var("AUTHDECK_WRITE_BINDINGS").is_ok_and(|v| v == "1") {
            std::fs::write(&path, expected).expect("write bindings");
            return;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == expected,
            "{} is stale: run `AUTHDECK_WRITE_BINDINGS=1 cargo test -p authdeck-desktop bindings` and commit it",
            path.display()
        );
    }

    #[test]
    fn bindings_are_up_to_date() {
        check("types.ts", &super::types_ts());
        check("commands.ts", &super::commands_ts());
    }
}
