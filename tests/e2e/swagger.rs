//! Issue 5: the token Authdeck hands out works where people paste it. The real Swagger UI
//! (`swagger-ui-dist`) shows demo-idp's Quamotion document (an HTTP bearer scheme); a real
//! headless Chromium clicks Authorize, pastes the token, closes the dialog, and executes
//! the protected `GET /version`: 200. After `authdeck logout` and the token's expiry the
//! same journey gets 401, and Authdeck asks for a login instead of handing out a token.
//! Screenshots land in `artifacts/swagger/`.

use std::time::Duration;

use authdeck_e2e::swagger::{artifacts_dir, Journey, SwaggerUi};
use authdeck_e2e::{eventually, Demo, Env};
use demo_idp::credentials as creds;
use demo_idp::DemoConfig;

/// Short, so that the expiry is reached within the test; long enough that a slow start of
/// Chromium on a loaded machine still uses the token before it expires.
const ACCESS_TTL: Duration = Duration::from_secs(30);
const API: &str = "/quamotion/api/version";

#[test]
fn swagger_ui_accepts_the_pasted_token_until_logout_and_expiry() {
    let demo = Demo::start(DemoConfig {
        access_ttl: Some(ACCESS_TTL),
        ..DemoConfig::default()
    });
    let env = Env::new();
    env.ok(
        &[
            "service",
            "add",
            "qm",
            "--preset",
            "quamotion",
            "--set",
            &format!("client_id={}", creds::QUAMOTION_CLIENT_ID),
            "--set",
            &format!(
                "endpoints.token={}/quamotion/my-tenant/oauth2/token",
                demo.base
            ),
            "--client-secret-stdin",
        ],
        &format!("{}\n", creds::QUAMOTION_CLIENT_SECRET),
    );
    env.ok(&["login", "qm"], "");
    // Copy the token the way Authdeck says: `authdeck service show qm --json` names the
    // command that prints what the docs' HTTP bearer box wants (the raw token: Swagger UI
    // adds the `Bearer ` prefix itself).
    let show: serde_json::Value =
        serde_json::from_str(&env.ok(&["service", "show", "qm", "--json"], "")).expect("JSON");
    assert_eq!(show["paste_hint"]["kind"], "raw_token", "{show}");
    let command = show["paste_command"].as_str().expect("a paste command");
    assert_eq!(command, "authdeck token qm");
    let args: Vec<&str> = command.split_whitespace().skip(1).collect();
    let token = env.ok(&args, "").trim_end().to_owned();
    assert!(!token.is_empty() && !token.contains(char::is_whitespace));

    let artifacts = artifacts_dir();
    for old in ["logged-in", "logged-out-expired"] {
        for step in ["1-page", "2-authorize", "3-response", "failed"] {
            let _ = std::fs::remove_file(artifacts.join(format!("{old}-{step}.png")));
        }
    }
    let ui = SwaggerUi::start(&format!("{}/quamotion/openapi.json", demo.base));
    let journey = Journey {
        scheme: "Bearer".into(),
        method: "get".into(),
        path: "/version".into(),
        artifacts,
    };

    let first = journey.run(&ui.url, &token, "logged-in");
    assert!(
        first.sent_authorization,
        "Swagger UI sent the pasted token: {first:?}"
    );
    assert_eq!(
        first.status, 200,
        "Swagger UI's Execute with the pasted token: {first:?}"
    );

    let out = env.run(&["logout", "qm"], "");
    assert_eq!(out.code, 0, "logout: {out:?}");
    // Azure AD has no revocation endpoint: the API accepts the token until it expires.
    let expired = eventually(ACCESS_TTL * 4, || {
        (demo.get_status(API, Some(&token)) == 401).then_some(())
    });
    assert!(expired.is_some(), "the token never expired at the API");

    let second = journey.run(&ui.url, &token, "logged-out-expired");
    assert!(second.sent_authorization, "{second:?}");
    assert_eq!(
        second.status, 401,
        "Swagger UI's Execute with the expired token: {second:?}"
    );

    // Authdeck does not hand out a token for a logged-out account, not even a fresh one.
    let out = env.run(&["token", "qm"], "");
    assert_eq!(out.code, 3, "token after logout: login required: {out:?}");
    assert!(
        out.stderr.contains("authdeck login qm"),
        "the error says how to log in: {}",
        out.stderr
    );
    assert!(out.stdout.is_empty(), "no token printed after logout");
    assert!(env.files_containing(&token).is_empty(), "token on disk");

    // The same document imported: a pasted-token service for the HTTPBearer scheme, with
    // the document's API base and the same advice on what to paste.
    let doc = format!("{}/quamotion/openapi.json", demo.base);
    env.ok(&["service", "import", &doc, "--id", "qm-docs", "--yes"], "");
    let show: serde_json::Value =
        serde_json::from_str(&env.ok(&["service", "show", "qm-docs", "--json"], "")).expect("JSON");
    assert_eq!(show["service"]["flow"], "bearer", "{show}");
    assert_eq!(
        show["service"]["api_base"],
        format!("{}/quamotion/api", demo.base),
        "{show}"
    );
    assert_eq!(show["paste_hint"]["kind"], "raw_token", "{show}");
    assert_eq!(show["paste_command"], "authdeck token qm-docs");
}
