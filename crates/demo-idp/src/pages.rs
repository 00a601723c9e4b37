//! HTML pages: consent (approve/deny), device activation (enter the user code), results,
//! errors, the index and the per-service docs stub.
//!
//! Small, clean, system font, light/dark via `prefers-color-scheme`, no JavaScript. Every
//! interpolated string is HTML-escaped. Stable hooks for automation: `id="approve"`,
//! `id="deny"`, `id="user_code"`, and on result pages
//! `<meta name="demo-idp-result" content="approved|denied|error">`.

use std::fmt::Write as _;

const CSS: &str = "\
:root{color-scheme:light dark;--bg:#f6f7f9;--card:#fff;--fg:#1d2330;--muted:#5b6474;\
--line:#dde1e7;--accent:#2f6fde;--accent-fg:#fff;--bad:#c0392b;--good:#1e8e3e}\
@media (prefers-color-scheme:dark){:root{--bg:#14171c;--card:#1d2128;--fg:#e6e9ef;\
--muted:#9aa3b2;--line:#323844;--accent:#5b8ff0;--accent-fg:#0b0d10;--bad:#ff6b5b;--good:#4cc36b}}\
*{box-sizing:border-box}\
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;\
background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}\
main{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:2rem;\
width:min(34rem,92vw);box-shadow:0 2px 12px rgba(0,0,0,.06)}\
h1{font-size:1.3rem;margin:0 0 .75rem}p{margin:.5rem 0}.muted{color:var(--muted);font-size:.9rem}\
.tag{display:inline-block;font-size:.75rem;letter-spacing:.04em;text-transform:uppercase;\
color:var(--muted);margin-bottom:.5rem}\
ul{padding-left:1.2rem}code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.9em}\
form{margin-top:1.25rem}.row{display:flex;gap:.75rem;flex-wrap:wrap;margin-top:1rem}\
button{font:inherit;padding:.55rem 1.2rem;border-radius:8px;border:1px solid var(--line);\
background:transparent;color:var(--fg);cursor:pointer}\
button.primary{background:var(--accent);border-color:var(--accent);color:var(--accent-fg)}\
input[type=text]{font:inherit;font-family:ui-monospace,Menlo,monospace;letter-spacing:.15em;\
padding:.5rem .75rem;border-radius:8px;border:1px solid var(--line);background:var(--bg);\
color:var(--fg);width:100%}\
.ok{color:var(--good)}.bad{color:var(--bad)}a{color:var(--accent)}\
table{border-collapse:collapse;width:100%}td{padding:.35rem .25rem;border-top:1px solid var(--line)}";

/// The outcome a page reports to automation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    Approved,
    Denied,
    Error,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Approved => "approved",
            Outcome::Denied => "denied",
            Outcome::Error => "error",
        }
    }

    fn class(self) -> &'static str {
        match self {
            Outcome::Approved => "ok",
            Outcome::Denied | Outcome::Error => "bad",
        }
    }
}

/// Escapes `&`, `<`, `>`, `"` and `'`.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A full document around `body` (already-escaped HTML).
fn layout(title: &str, outcome: Option<Outcome>, body: &str) -> String {
    let meta = outcome
        .map(|o| {
            format!(
                "<meta name=\"demo-idp-result\" content=\"{}\">\n",
                o.as_str()
            )
        })
        .unwrap_or_default();
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n{meta}\
<title>{title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        title = escape(title),
    )
}

fn hidden_inputs(hidden: &[(&str, &str)]) -> String {
    hidden.iter().fold(String::new(), |mut s, (k, v)| {
        let _ = writeln!(
            s,
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
            escape(k),
            escape(v)
        );
        s
    })
}

/// A consent page: "Authorize `client` to access `service`?" with Approve and Deny buttons,
/// both submitting one POST form to `action` with `decision=approve|deny`.
pub(crate) fn consent(
    service: &str,
    client: &str,
    details: &[String],
    action: &str,
    hidden: &[(&str, &str)],
) -> String {
    let items: String = details
        .iter()
        .map(|d| format!("<li>{}</li>", escape(d)))
        .collect();
    let body = format!(
        "<span class=\"tag\">{service} · demo sign-in</span>\n\
<h1>Authorize {client} to access {service}?</h1>\n\
<p>Signed in as the demo user. The application asks for:</p>\n<ul>{items}</ul>\n\
<form method=\"post\" action=\"{action}\">\n{hidden}\
<div class=\"row\">\n\
<button id=\"approve\" class=\"primary\" type=\"submit\" name=\"decision\" value=\"approve\">Approve</button>\n\
<button id=\"deny\" type=\"submit\" name=\"decision\" value=\"deny\">Deny</button>\n\
</div>\n</form>\n",
        service = escape(service),
        client = escape(client),
        action = escape(action),
        hidden = hidden_inputs(hidden),
    );
    layout(
        &format!("Authorize {client} to access {service}?"),
        None,
        &body,
    )
}

/// A result or error page.
pub(crate) fn message(outcome: Outcome, service: &str, title: &str, text: &str) -> String {
    let body = format!(
        "<span class=\"tag\">{service}</span>\n<h1 class=\"{class}\">{title}</h1>\n<p>{text}</p>\n",
        service = escape(service),
        class = outcome.class(),
        title = escape(title),
        text = escape(text),
    );
    layout(title, Some(outcome), &body)
}

/// Autolab's `/activate` page: enter the user code, then Approve or Deny.
pub(crate) fn activate(
    action: &str,
    prefill: &str,
    flash: Option<(Outcome, &str)>,
    client: &str,
) -> String {
    let flash_html = flash
        .map(|(o, text)| {
            format!(
                "<p id=\"flash\" class=\"{}\">{}</p>\n",
                o.class(),
                escape(text)
            )
        })
        .unwrap_or_default();
    let body = format!(
        "<span class=\"tag\">Autolab · device activation</span>\n<h1>Activate a device</h1>\n{flash_html}\
<p>Enter the code shown by the application. Approving lets <strong>{client}</strong> \
use Autolab as the demo user.</p>\n\
<form method=\"post\" action=\"{action}\">\n\
<label for=\"user_code\" class=\"muted\">User code</label>\n\
<input type=\"text\" id=\"user_code\" name=\"user_code\" value=\"{prefill}\" autocomplete=\"off\" \
autocapitalize=\"off\" spellcheck=\"false\" maxlength=\"64\" required>\n\
<div class=\"row\">\n\
<button id=\"approve\" class=\"primary\" type=\"submit\" name=\"decision\" value=\"approve\">Approve</button>\n\
<button id=\"deny\" type=\"submit\" name=\"decision\" value=\"deny\">Deny</button>\n\
</div>\n</form>\n",
        action = escape(action),
        prefill = escape(prefill),
        client = escape(client),
    );
    layout("Activate a device · Autolab", flash.map(|(o, _)| o), &body)
}

/// `GET /`: the five services and their docs.
pub(crate) fn index(base: &str) -> String {
    const SERVICES: [(&str, &str, &str); 5] = [
        ("oqtant", "Oqtant", "Auth0 authorization code + PKCE"),
        (
            "quamotion",
            "Quamotion Cloud",
            "Azure AD client credentials (v1, v2)",
        ),
        (
            "autolab",
            "Autolab",
            "Doorkeeper device flow, refresh rotation",
        ),
        (
            "plantpredict",
            "PlantPredict",
            "Cognito client credentials; legacy Okta password grant",
        ),
        (
            "nomad",
            "NOMAD",
            "password grant, Keycloak refresh, app tokens",
        ),
    ];
    let rows: String = SERVICES
        .iter()
        .map(|(prefix, name, what)| {
            format!(
                "<tr><td><strong>{name}</strong><br><span class=\"muted\">{what}</span></td>\
<td><code>/{prefix}</code></td><td><a href=\"/{prefix}/docs\">docs</a> · \
<a href=\"/{prefix}/openapi.json\">openapi.json</a></td></tr>\n",
                name = escape(name),
                what = escape(what),
            )
        })
        .collect();
    let body = format!(
        "<span class=\"tag\">Authdeck demo identity server</span>\n<h1>demo-idp</h1>\n\
<p class=\"muted\">Local stand-ins for the auth servers of five scientific APIs, at \
<code>{base}</code>.</p>\n<table>\n{rows}</table>\n",
        base = escape(base),
    );
    layout("demo-idp", None, &body)
}

/// `<prefix>/docs`: a stub linking the service's OpenAPI document.
pub(crate) fn docs(service: &str, openapi_url: &str) -> String {
    let body = format!(
        "<span class=\"tag\">API docs</span>\n<h1>{service}</h1>\n\
<p>OpenAPI document: <a id=\"openapi\" href=\"{url}\">{url}</a></p>\n<p><a href=\"/\">All services</a></p>\n",
        service = escape(service),
        url = escape(openapi_url),
    );
    layout(&format!("{service} API docs"), None, &body)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_interpolated() {
        let page = message(Outcome::Error, "<s>", "a\"b", "<script>x</script>");
        assert!(!page.contains("<script>"));
        assert!(page.contains("&lt;script&gt;"));
        assert!(page.contains("content=\"error\""));
    }

    #[test]
    fn consent_has_stable_ids() {
        let page = consent("Oqtant", "Authdeck", &[], "/x", &[("txid", "t\"1")]);
        assert!(page.contains("id=\"approve\""));
        assert!(page.contains("id=\"deny\""));
        assert!(page.contains("value=\"t&quot;1\""));
    }
}
