//! The HTML pages the loopback listener answers the browser with, as complete HTTP
//! responses.
//!
//! Every page is small, self-contained (inline CSS, no script, no external resource) and
//! escapes every interpolated string. Every response carries the same defensive headers:
//! the redirect URL holds the authorization code, so nothing may be cached, sent on as a
//! referrer, or loaded from elsewhere.

use std::fmt::Write as _;

/// An HTTP status the listener answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Status {
    Ok,
    BadRequest,
    NotFound,
    MethodNotAllowed,
    RequestTimeout,
    HeaderFieldsTooLarge,
    InternalServerError,
}

impl Status {
    fn line(self) -> &'static str {
        match self {
            Status::Ok => "200 OK",
            Status::BadRequest => "400 Bad Request",
            Status::NotFound => "404 Not Found",
            Status::MethodNotAllowed => "405 Method Not Allowed",
            Status::RequestTimeout => "408 Request Timeout",
            Status::HeaderFieldsTooLarge => "431 Request Header Fields Too Large",
            Status::InternalServerError => "500 Internal Server Error",
        }
    }
}

/// The mark at the top of the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tone {
    Success,
    Failure,
    Neutral,
}

impl Tone {
    fn class_and_symbol(self) -> (&'static str, &'static str) {
        match self {
            Tone::Success => ("ok", "\u{2713}"),
            Tone::Failure => ("fail", "\u{2715}"),
            Tone::Neutral => ("info", "!"),
        }
    }
}

const STYLE: &str = "\
:root{color-scheme:light dark;--bg:#f3f4f6;--card:#fff;--fg:#1f2328;--muted:#57606a;\
--border:#d0d7de;--ok:#1a7f37;--fail:#cf222e;--info:#9a6700}\
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--card:#161b22;--fg:#e6edf3;\
--muted:#9198a1;--border:#30363d;--ok:#3fb950;--fail:#f85149;--info:#d29922}}\
*{box-sizing:border-box}\
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;\
padding:24px;background:var(--bg);color:var(--fg);\
font:16px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",sans-serif}\
main{width:100%;max-width:30rem;background:var(--card);border:1px solid var(--border);\
border-radius:12px;padding:32px 28px;text-align:center;box-shadow:0 1px 3px rgba(0,0,0,.08)}\
.mark{width:48px;height:48px;margin:0 auto 16px;border-radius:50%;display:flex;\
align-items:center;justify-content:center;font-size:26px;font-weight:700;color:var(--card)}\
.ok{background:var(--ok)}.fail{background:var(--fail)}.info{background:var(--info)}\
h1{font-size:1.25rem;margin:0 0 12px;overflow-wrap:anywhere}\
p{margin:8px 0;color:var(--muted);overflow-wrap:anywhere}\
code{font:.9em ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:var(--fg);\
background:rgba(127,127,127,.15);padding:1px 5px;border-radius:4px}\
.brand{margin-top:24px;font-size:.8rem;letter-spacing:.04em}";

/// Escapes `text` for use in HTML text and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
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

/// A complete HTTP response: status line, headers and the page. `paragraphs` are HTML
/// already (callers escape what they interpolate).
fn respond(
    status: Status,
    tone: Tone,
    title: &str,
    heading: &str,
    paragraphs: &[String],
    extra_headers: &str,
) -> Vec<u8> {
    let (class, symbol) = tone.class_and_symbol();
    let mut body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta name=\"color-scheme\" content=\"light dark\">\
         <title>{} \u{b7} Authdeck</title><style>{STYLE}</style></head><body><main>\
         <div class=\"mark {class}\" aria-hidden=\"true\">{symbol}</div><h1>{}</h1>",
        escape(title),
        escape(heading),
    );
    for paragraph in paragraphs {
        let _ = write!(body, "<p>{paragraph}</p>");
    }
    body.push_str("<p class=\"brand\">Authdeck</p></main></body></html>\n");

    let head = format!(
        "HTTP/1.1 {}\r\n\
         Content-Type: text/html; charset=utf-8\r\n\
         Content-Length: {}\r\n\
         Cache-Control: no-store\r\n\
         Referrer-Policy: no-referrer\r\n\
         Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\n\
         X-Content-Type-Options: nosniff\r\n\
         {extra_headers}\
         Connection: close\r\n\r\n",
        status.line(),
        body.len(),
    );
    let mut response = head.into_bytes();
    response.extend_from_slice(body.as_bytes());
    response
}

/// The token exchange succeeded.
pub(super) fn success(service: &str) -> Vec<u8> {
    let heading = format!("Logged in to {service}");
    respond(
        Status::Ok,
        Tone::Success,
        &heading,
        &heading,
        &["You can close this tab and return to Authdeck.".into()],
        "",
    )
}

/// The flow failed after the browser came back (e.g. the token exchange failed).
pub(super) fn failure(service: &str, message: &str) -> Vec<u8> {
    respond(
        Status::InternalServerError,
        Tone::Failure,
        "Login failed",
        &format!("Login to {service} failed"),
        &[
            escape(message),
            "You can close this tab; Authdeck shows the details.".into(),
        ],
        "",
    )
}

/// Authdeck dropped the answer without finishing the flow.
pub(super) fn abandoned(service: &str) -> Vec<u8> {
    respond(
        Status::InternalServerError,
        Tone::Failure,
        "Login not finished",
        &format!("Login to {service} was not finished"),
        &["Authdeck stopped before completing the login. \
           You can close this tab; Authdeck shows what happened."
            .into()],
        "",
    )
}

/// The provider redirected back with `error=...`.
pub(super) fn provider_error(service: &str, error: &str, description: Option<&str>) -> Vec<u8> {
    let denied = crate::flows::ErrorCode::parse(error) == crate::flows::ErrorCode::AccessDenied;
    let heading = if denied {
        format!("Access to {service} was denied")
    } else {
        format!("Login to {service} failed")
    };
    let mut paragraphs = vec![format!(
        "{} answered with the error <code>{}</code>.",
        escape(service),
        escape(error)
    )];
    if let Some(description) = description {
        paragraphs.push(escape(description));
    }
    paragraphs.push("You can close this tab and run the login again in Authdeck.".into());
    respond(
        Status::BadRequest,
        Tone::Failure,
        "Login failed",
        &heading,
        &paragraphs,
        "",
    )
}

/// The state matched but the redirect carried neither a code nor an error.
pub(super) fn no_code(service: &str) -> Vec<u8> {
    respond(
        Status::BadRequest,
        Tone::Failure,
        "Login failed",
        &format!("Login to {service} failed"),
        &[
            "The sign-in response carried neither an authorization code nor an error.".into(),
            "You can close this tab and run the login again in Authdeck.".into(),
        ],
        "",
    )
}

/// The `state` is missing or wrong: not the login Authdeck waits for (possibly forged).
pub(super) fn state_mismatch() -> Vec<u8> {
    respond(
        Status::BadRequest,
        Tone::Neutral,
        "Unexpected sign-in response",
        "Unexpected sign-in response",
        &[
            "This sign-in response does not belong to the login Authdeck is waiting for.".into(),
            "If you started a login, finish it in the tab Authdeck opened; otherwise \
             close this tab."
                .into(),
        ],
        "",
    )
}

/// Any path other than the redirect path (e.g. `/favicon.ico`).
pub(super) fn not_found() -> Vec<u8> {
    respond(
        Status::NotFound,
        Tone::Neutral,
        "Not found",
        "Nothing here",
        &["Authdeck only waits for the sign-in response at this address.".into()],
        "",
    )
}

/// A method other than GET.
pub(super) fn method_not_allowed() -> Vec<u8> {
    respond(
        Status::MethodNotAllowed,
        Tone::Neutral,
        "Method not allowed",
        "Method not allowed",
        &["Authdeck only answers GET requests here.".into()],
        "Allow: GET\r\n",
    )
}

/// A `Host` other than `127.0.0.1:<port>` / `localhost:<port>` (DNS-rebinding guard).
pub(super) fn bad_host(port: u16) -> Vec<u8> {
    respond(
        Status::BadRequest,
        Tone::Neutral,
        "Bad request",
        "Wrong address",
        &[format!(
            "Authdeck only answers at <code>http://127.0.0.1:{port}</code> or \
             <code>http://localhost:{port}</code>."
        )],
        "",
    )
}

/// A request head that is not valid HTTP.
pub(super) fn bad_request() -> Vec<u8> {
    respond(
        Status::BadRequest,
        Tone::Neutral,
        "Bad request",
        "Bad request",
        &["Authdeck could not understand this request.".into()],
        "",
    )
}

/// A request head over the size limit.
pub(super) fn too_large() -> Vec<u8> {
    respond(
        Status::HeaderFieldsTooLarge,
        Tone::Neutral,
        "Request too large",
        "Request too large",
        &["The request is larger than Authdeck accepts.".into()],
        "",
    )
}

/// A request head that did not arrive in time.
pub(super) fn timed_out() -> Vec<u8> {
    respond(
        Status::RequestTimeout,
        Tone::Neutral,
        "Request timeout",
        "Request timeout",
        &["The request did not arrive in time.".into()],
        "",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(response: &[u8]) -> (String, String) {
        let text = String::from_utf8_lossy(response).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        (head.to_owned(), body.to_owned())
    }

    #[test]
    fn escapes_everything_interpolated() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        let (_, body) = split(&provider_error(
            "<b>Svc</b>",
            "<script>",
            Some("\"quoted\" & <i>"),
        ));
        assert!(!body.contains("<b>Svc") && !body.contains("<script>") && !body.contains("<i>"));
        assert!(body.contains("&lt;b&gt;Svc&lt;/b&gt;"), "{body}");
        assert!(
            body.contains("&quot;quoted&quot; &amp; &lt;i&gt;"),
            "{body}"
        );
        let (_, body) = split(&failure("S", "<img src=x>"));
        assert!(body.contains("&lt;img src=x&gt;"), "{body}");
    }

    #[test]
    fn content_length_and_headers_are_right() {
        for response in [
            success("Ünïcødé service"),
            failure("S", "m"),
            abandoned("S"),
            provider_error("S", "access_denied", None),
            no_code("S"),
            state_mismatch(),
            not_found(),
            method_not_allowed(),
            bad_host(1),
            bad_request(),
            too_large(),
            timed_out(),
        ] {
            let (head, body) = split(&response);
            let length = format!("Content-Length: {}\r\n", body.len());
            assert!(head.contains(&length), "{head}");
            assert!(head.contains("Cache-Control: no-store"), "{head}");
            assert!(!body.contains("<script"), "{body}");
        }
    }
}
