//! The token panel's Activity section in the real window (tauri-driver, an Xvfb display
//! of its own), against the real oidc-provider: after a Copy that refreshes the token,
//! the section lists the refresh (the token endpoint, HTTP 200) above the login, with the
//! copy as a hand-out; after the refresh token was spent elsewhere, the next Copy's
//! refused refresh is listed first, marked failed, with the typed error's message and the
//! provider's answer. Before that, "Ask the provider" shows the provider's answer
//! inline (RFC 7662) and lists the introspection. Events are told apart by their
//! sequence numbers, never by time.
//! Screenshot: `artifacts/desktop-activity.png`.

use crate::desktop::shot;
use crate::desktop_faults::{copy, eventually_text, session, start_driver};
use crate::window::{click, testid, wait_state};
use authdeck_e2e::{Env, Provider};
use fantoccini::Client;

/// The Activity list's items as `seq kind outcome` lines, newest first.
const ITEMS: &str =
    "return [...document.querySelectorAll(\"[data-testid='activity-rot'] .activity-item\")]\
    .map(li => li.dataset.seq + ' ' + li.dataset.kind + ' ' + li.dataset.outcome).join('\\n');";

/// Waits until the Activity list's newest item is `kind outcome` with a sequence number
/// above `after`; that item's text.
async fn newest(c: &Client, kind: &str, outcome: &str, after: u64) -> (u64, String) {
    let script = format!(
        "const li = document.querySelector(\"[data-testid='activity-rot'] .activity-item\"); \
         if (!li || li.dataset.kind !== '{kind}' || li.dataset.outcome !== '{outcome}' || Number(li.dataset.seq) <= {after}) return ''; \
         return li.dataset.seq + '\\n' + li.textContent;"
    );
    let found = eventually_text(c, &script, &format!("a newest {kind} {outcome} event")).await;
    let (seq, text) = found.split_once('\n').unwrap_or((&found, ""));
    (seq.parse().unwrap_or(0), text.to_owned())
}

/// The serious and critical colour-contrast violations axe-core finds in the window as
/// drawn, in `theme` ("light" or "dark"), as readable lines. axe-core (ui's dev
/// dependency) is injected into the page for the test only. Transitions are switched off
/// first (through the CSSOM: the CSP takes no inline style), so the colours axe reads are
/// the theme's final ones, never a frame of a fade between the two themes.
async fn contrast_violations(c: &Client, theme: &str) -> Vec<String> {
    let axe = std::fs::read_to_string(
        authdeck_e2e::tests_dir().join("../ui/node_modules/axe-core/axe.min.js"),
    )
    .expect("axe-core in ui/node_modules (npm ci in ui/)");
    c.execute(&format!("{axe}\n;return typeof axe;"), vec![])
        .await
        .expect("inject axe-core");
    let script = format!(
        "const done = arguments[arguments.length - 1]; \
         if (!window.__axeNoTransitions) {{ \
           document.styleSheets[0].insertRule('*, *::before, *::after {{ transition: none !important; }}', 0); \
           window.__axeNoTransitions = true; }} \
         document.documentElement.dataset.theme = '{theme}'; \
         requestAnimationFrame(() => requestAnimationFrame(() => \
           axe.run(document, {{ runOnly: ['color-contrast'], resultTypes: ['violations'] }}) \
             .then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical') \
               .flatMap(v => v.nodes.map(n => v.id + ': ' + n.target.join(' ') + ' — ' + n.failureSummary.replace(/\\s+/g, ' '))))) \
             .catch(e => done(['axe failed: ' + e]))));"
    );
    let found = c
        .execute_async(&script, vec![])
        .await
        .expect("run axe-core");
    found
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

async fn items(c: &Client) -> Vec<String> {
    c.execute(ITEMS, vec![])
        .await
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_token_panel_shows_a_refresh_and_a_refused_refresh() {
    assert!(
        std::env::var("DISPLAY").is_ok_and(|d| !d.is_empty()),
        "no DISPLAY: run the suite with scripts/test.sh (it starts Xvfb)"
    );
    let started = std::time::Instant::now();
    let p = Provider::start(&[]);
    let env = Env::new();
    env.logged_in_auth_code(&p, "rot");
    // Every Copy renews the token (an hour's margin); no background refresh meanwhile.
    std::fs::write(
        env.dir("config").join("settings.toml"),
        "refresh_margin_secs = 3600\n",
    )
    .expect("settings");
    let token_url = format!("{}/token", p.issuer);

    let (_driver, port) = start_driver(&env, &[]);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let c = session(port).await;
        click(&c, "service-rot").await;
        testid(&c, "activity-rot").await;
        // The CLI's login is there before anything happens in the window.
        let (login, text) = newest(&c, "login", "ok", 0).await;
        assert!(text.contains(&token_url) && text.contains("HTTP 200"), "{text}");

        // Ask the provider: the answer inline, and an introspection in the activity.
        click(&c, "introspect-rot").await;
        let answer = eventually_text(
            &c,
            "const a = document.querySelector(\"[data-testid='introspection-rot']\"); return a && a.querySelector('.badge') ? a.textContent : '';",
            "the provider's answer",
        )
        .await;
        assert!(
            answer.contains("Active") && answer.contains("native-app") && answer.contains("expires"),
            "{answer}"
        );
        let (login, text) = newest(&c, "introspect", "ok", login).await;
        assert!(
            text.contains(&format!("{}/token/introspection", p.issuer))
                && text.contains("The provider answered: active"),
            "{text}"
        );

        // A Copy that refreshes: the refresh, then the copy's hand-out.
        copy(&c, "rot").await.expect("copy");
        let (handed, text) = newest(&c, "hand_out", "ok", login).await;
        assert!(text.contains("copied"), "{text}");
        let listed = items(&c).await;
        assert_eq!(
            listed.get(1).map(String::as_str),
            Some(format!("{} refresh ok", handed - 1).as_str()),
            "{listed:?}"
        );
        let refresh_text = c
            .execute(
                "return document.querySelectorAll(\"[data-testid='activity-rot'] .activity-item\")[1].textContent;",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        assert!(
            refresh_text.contains(&token_url) && refresh_text.contains("HTTP 200"),
            "{refresh_text}"
        );

        // The refresh token spent elsewhere: the next Copy's refresh is refused.
        let spent = env
            .keyring_lookup("rot/default/refresh_token")
            .expect("a refresh token");
        let (status, _) = tokio::task::block_in_place(|| p.raw_refresh("native-app", &spent));
        assert_eq!(status, 200, "spending the refresh token elsewhere");
        let error = copy(&c, "rot").await.expect_err("a refused refresh");
        assert!(error.contains("Log in again"), "{error}");
        wait_state(&c, "rot", "login_required").await;
        let (_, text) = newest(&c, "refresh", "failed", handed).await;
        assert!(
            text.contains("Failed")
                && text.contains("no longer accepts the refresh token")
                && text.contains("The provider answered: invalid_grant")
                && text.contains("HTTP 400"),
            "{text}"
        );
        assert!(!text.contains(&spent), "a token in the window");
        let failed_marked = c
            .execute(
                "const li = document.querySelector(\"[data-testid='activity-rot'] .activity-item\"); return li.classList.contains('activity-failed') && getComputedStyle(li.querySelector('.activity-error')).color !== getComputedStyle(li.querySelector('.activity-title')).color;",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_bool());
        assert_eq!(failed_marked, Some(true), "the failure is not marked");
        // Colour contrast in both themes, with the panel's badges, failure, the
        // provider's answer and the claims on screen.
        for theme in ["dark", "light"] {
            let found = contrast_violations(&c, theme).await;
            assert!(found.is_empty(), "{theme} theme: {found:#?}");
        }
        // The section in view, once the page has drawn it, for the screenshot.
        let drawn = c
            .execute_async(
                "const done = arguments[arguments.length - 1]; \
                 document.querySelector(\"[data-testid='activity-rot']\").closest('section').scrollIntoView({block: 'start'}); \
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            )
            .await
            .expect("scroll to the Activity section");
        assert_eq!(drawn, serde_json::Value::Bool(true));
        shot(&c, "activity").await;
        let _ = c.close().await;
    });
    eprintln!(
        "desktop activity test: {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
