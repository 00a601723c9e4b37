//! The TypeScript twins of the DTOs and commands, generated from Rust into
//! `ui/src/bindings/` and committed. `cargo test -p authdeck-desktop bindings` rewrites
//! them when `AUTHDECK_WRITE_BINDINGS=1` and otherwise fails if the committed files are
//! stale.

use ts_rs::TS;

use crate::commands::commands;
use crate::dto::*;
use crate::error::{ErrorCode, ErrorDto};

const HEADER: &str = "// Generated from src-tauri (ts-rs and src-tauri/src/commands.rs). Do not edit by hand:\n// `AUTHDECK_WRITE_BINDINGS=1 cargo test -p authdeck-desktop bindings` regenerates it,\n// and the same test without the variable fails when it is stale.\n";

/// `ui/src/bindings/types.ts`.
pub fn types_ts() -> String {
    let decls = [
        ErrorCode::decl(),
        ErrorDto::decl(),
        StatusKind::decl(),
        Flow::decl(),
        ClientAuth::decl(),
        DeadlineCause::decl(),
        LoginDeadlineView::decl(),
        AccountView::decl(),
        TokenType::decl(),
        TokenSummary::decl(),
        ActivityKind::decl(),
        HandOut::decl(),
        ActivityErrorView::decl(),
        ActivityView::decl(),
        TokenChoice::decl(),
        ProviderChecksView::decl(),
        IntrospectionView::decl(),
        RevokeOutcome::decl(),
        CopyFormat::decl(),
        CopyOutcome::decl(),
        LoginEventKind::decl(),
        LoginEventDto::decl(),
        PresetInputView::decl(),
        PresetView::decl(),
        Theme::decl(),
        Settings::decl(),
        ServiceFields::decl(),
        ServiceSettings::decl(),
        ServiceUpdate::decl(),
        NewAccount::decl(),
        PasteHintKind::decl(),
        PasteHintView::decl(),
        HeaderCopyView::decl(),
        ScopeView::decl(),
        Need::decl(),
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
        ProxyView::decl(),
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

/// `lower_snake` → `lowerCamel`: how Tauri names a command's arguments in JavaScript.
fn camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The named types (DTOs) a TypeScript type expression mentions.
fn named_types(ts: &str) -> impl Iterator<Item = &str> {
    ts.split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase) && *w != "Array")
}

/// `ui/src/bindings/commands.ts`, from the handlers' signatures (`commands::commands`).
pub fn commands_ts() -> String {
    let commands = commands();
    let mut types: Vec<&str> = commands
        .iter()
        .flat_map(|c| {
            c.params
                .iter()
                .flat_map(|(_, ty)| named_types(ty))
                .chain(named_types(&c.returns))
        })
        .collect();
    types.sort_unstable();
    types.dedup();
    let mut out = String::from(HEADER);
    out.push_str("\nimport { invoke } from \"@tauri-apps/api/core\";\nimport type {\n");
    for t in types {
        out.push_str(&format!("  {t},\n"));
    }
    out.push_str("} from \"./types\";\n\nexport const commands = {\n");
    for c in &commands {
        let names: Vec<String> = c.params.iter().map(|(n, _)| camel(n)).collect();
        let params: Vec<String> = c
            .params
            .iter()
            .zip(&names)
            .map(|((_, ty), n)| format!("{n}: {ty}"))
            .collect();
        let args = if names.is_empty() {
            String::new()
        } else {
            format!(", {{ {} }}", names.join(", "))
        };
        out.push_str(&format!(
            "  {}: ({}) => invoke<{}>(\"{}\"{args}),\n",
            camel(c.rust),
            params.join(", "),
            c.returns,
            c.rust
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
    fn argument_names_are_camel_case_as_tauri_sends_them() {
        assert_eq!(super::camel("copy_and_open_docs"), "copyAndOpenDocs");
        assert_eq!(super::camel("expires_in_secs"), "expiresInSecs");
        assert_eq!(super::camel("app_info"), "appInfo");
        assert_eq!(super::camel("login"), "login");
    }

    #[test]
    fn signatures_are_read_from_the_handlers() {
        let commands = crate::commands::commands();
        let sig = |name: &str| {
            commands
                .iter()
                .find(|c| c.rust == name)
                .map(|c| (c.params.clone(), c.returns.clone()))
                .expect("a command of the table")
        };
        let s = |v: &str| v.to_owned();
        // Injected parameters (state, app) are not the webview's; u64 travels as a number.
        assert_eq!(
            sig("create_app_token"),
            (
                vec![
                    ("service", s("string")),
                    ("account", s("string")),
                    ("expires_in_secs", s("number")),
                ],
                s("AccountView")
            )
        );
        assert_eq!(sig("token_summary").1, "TokenSummary | null");
        assert_eq!(sig("list_accounts"), (vec![], s("Array<AccountView>")));
        assert_eq!(sig("cancel_login").1, "null");
        assert_eq!(
            sig("first_paint").0,
            vec![("since_navigation", s("number")), ("rows", s("number"))]
        );
    }

    #[test]
    fn bindings_are_up_to_date() {
        check("types.ts", &super::types_ts());
        check("commands.ts", &super::commands_ts());
    }
}
