//! The HTTP/1.x request head a browser sends to the loopback listener, and its parser.
//!
//! The parser is pure (bytes in, value out) so that it can be unit-tested and fuzzed on
//! its own. It is deliberately strict: the only legitimate client is a browser following
//! a redirect, so anything unusual is rejected rather than interpreted.

use std::fmt;

/// The largest request head accepted, terminating blank line included (8 KiB).
pub const MAX_HEAD_LEN: usize = 8 * 1024;

/// The most header fields accepted in one request head.
pub const MAX_HEADERS: usize = 64;

/// What the listener needs from a request head.
#[derive(Clone, PartialEq, Eq)]
pub struct RequestHead {
    /// The method, e.g. `GET` (any syntactically valid token).
    pub method: String,
    /// The request target in origin form (`/path?query`); printable ASCII only.
    pub target: String,
    /// The value of the `Host` header, if the request has one.
    pub host: Option<String>,
}

/// The target carries the authorization code, so `Debug` shows the path only.
impl fmt::Debug for RequestHead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self
            .target
            .split_once('?')
            .map_or(&*self.target, |(p, _)| p);
        let query = if self.target.contains('?') {
            "?<redacted>"
        } else {
            ""
        };
        f.debug_struct("RequestHead")
            .field("method", &self.method)
            .field("target", &format_args!("{path}{query}"))
            .field("host", &self.host)
            .finish()
    }
}

/// Why a buffer is not (yet) a usable request head.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// No blank line yet and nothing wrong so far: read more bytes.
    #[error("the request head is incomplete")]
    Incomplete,
    /// The head is longer than [`MAX_HEAD_LEN`] or has more than [`MAX_HEADERS`] fields
    /// (answered with 431).
    #[error("the request head is too large")]
    TooLarge,
    /// The bytes are not a valid HTTP/1.x request head (answered with 400).
    #[error("malformed request: {0}")]
    Malformed(&'static str),
}

/// Parses the request head at the start of `buf` (the bytes received so far).
///
/// The head ends at the first blank line (`CRLF CRLF`); bytes after it are ignored.
/// Lines must end with CRLF (a bare LF is malformed). Without a blank line the result is
/// [`RequestError::Incomplete`], unless the buffer already holds [`MAX_HEAD_LEN`] bytes
/// ([`RequestError::TooLarge`]) or its first line can no longer become a request line
/// ([`RequestError::Malformed`], so that garbage such as a TLS handshake is refused at
/// once instead of after the read deadline).
///
/// Accepted: `METHOD SP origin-form-target SP HTTP/1.0|HTTP/1.1`, header lines
/// `name: value` with a token name and no control characters in the value, at most one
/// `Host` (ASCII). Refused: absolute-form or `*` targets, non-ASCII targets, obsolete
/// line folding, whitespace before the colon.
pub fn parse_request_head(buf: &[u8]) -> Result<RequestHead, RequestError> {
    let window = &buf[..buf.len().min(MAX_HEAD_LEN)];
    let Some(end) = find(window, b"\r\n\r\n") else {
        check_partial(window)?;
        return Err(if buf.len() >= MAX_HEAD_LEN {
            RequestError::TooLarge
        } else {
            RequestError::Incomplete
        });
    };
    let mut lines = crlf_lines(&window[..end]);
    let (method, target) = parse_request_line(lines.next().unwrap_or_default())?;
    let mut host = None;
    for (count, line) in lines.enumerate() {
        if count >= MAX_HEADERS {
            return Err(RequestError::TooLarge);
        }
        let (name, value) = parse_header_line(line)?;
        if name.eq_ignore_ascii_case(b"host") {
            if host.is_some() {
                return Err(RequestError::Malformed("more than one Host header"));
            }
            if !value.is_ascii() {
                return Err(RequestError::Malformed("the Host header is not ASCII"));
            }
            host = Some(ascii_string(value)?);
        }
    }
    Ok(RequestHead {
        method,
        target,
        host,
    })
}

/// Refuses early a head whose first line cannot become a valid request line.
fn check_partial(window: &[u8]) -> Result<(), RequestError> {
    match find(window, b"\r\n") {
        Some(eol) => parse_request_line(&window[..eol]).map(|_| ()),
        None => {
            // A CR may be the first half of a CRLF still in flight.
            let line = window.strip_suffix(b"\r").unwrap_or(window);
            if line.iter().all(|&b| b == b' ' || is_visible(b)) {
                Ok(())
            } else {
                Err(RequestError::Malformed(
                    "the request line has control or non-ASCII bytes",
                ))
            }
        }
    }
}

/// `METHOD SP TARGET SP VERSION` → (method, target).
fn parse_request_line(line: &[u8]) -> Result<(String, String), RequestError> {
    let mut parts = line.split(|&b| b == b' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(RequestError::Malformed(
            "the request line is not `METHOD TARGET HTTP/1.x`",
        ));
    };
    if method.is_empty() || !method.iter().all(|&b| is_tchar(b)) {
        return Err(RequestError::Malformed("invalid method"));
    }
    if target.is_empty() {
        return Err(RequestError::Malformed("missing request target"));
    }
    if !target.iter().all(|&b| is_visible(b)) {
        return Err(RequestError::Malformed(
            "the request target has bytes that are not printable ASCII",
        ));
    }
    if target[0] != b'/' {
        return Err(RequestError::Malformed(
            "the request target is not an absolute path",
        ));
    }
    if version != b"HTTP/1.1" && version != b"HTTP/1.0" {
        return Err(RequestError::Malformed("unsupported HTTP version"));
    }
    Ok((ascii_string(method)?, ascii_string(target)?))
}

/// `name: value` → (name, value without surrounding whitespace).
fn parse_header_line(line: &[u8]) -> Result<(&[u8], &[u8]), RequestError> {
    if line.first().is_some_and(|&b| b == b' ' || b == b'\t') {
        return Err(RequestError::Malformed("obsolete header line folding"));
    }
    let Some(colon) = line.iter().position(|&b| b == b':') else {
        return Err(RequestError::Malformed("header line without a colon"));
    };
    let name = &line[..colon];
    if name.is_empty() || !name.iter().all(|&b| is_tchar(b)) {
        return Err(RequestError::Malformed("invalid header name"));
    }
    let value = trim_whitespace(&line[colon + 1..]);
    if value.iter().any(|&b| (b < 0x20 && b != b'\t') || b == 0x7f) {
        return Err(RequestError::Malformed(
            "control character in a header value",
        ));
    }
    Ok((name, value))
}

/// The CRLF-separated lines of `head` (which has no trailing CRLF).
fn crlf_lines(head: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(head);
    std::iter::from_fn(move || {
        let current = rest?;
        match find(current, b"\r\n") {
            Some(i) => {
                rest = Some(&current[i + 2..]);
                Some(&current[..i])
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn trim_whitespace(mut bytes: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = bytes {
        bytes = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = bytes {
        bytes = rest;
    }
    bytes
}

fn ascii_string(bytes: &[u8]) -> Result<String, RequestError> {
    std::str::from_utf8(bytes)
        .map(str::to_owned)
        .map_err(|_| RequestError::Malformed("not UTF-8"))
}

/// Printable ASCII without the space (`VCHAR`).
fn is_visible(b: u8) -> bool {
    (0x21..=0x7e).contains(&b)
}

/// A character of an HTTP token (RFC 9110 `tchar`).
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn malformed(buf: &[u8]) {
        assert!(
            matches!(parse_request_head(buf), Err(RequestError::Malformed(_))),
            "{:?} gave {:?}",
            String::from_utf8_lossy(buf),
            parse_request_head(buf)
        );
    }

    #[test]
    fn parses_a_browser_request() {
        let head = parse_request_head(
            b"GET /callback?code=abc&state=xyz HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\
              User-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\nAccept: text/html, */*;q=0.8\r\n\r\n",
        );
        assert_eq!(
            head,
            Ok(RequestHead {
                method: "GET".into(),
                target: "/callback?code=abc&state=xyz".into(),
                host: Some("127.0.0.1:8080".into()),
            })
        );
    }

    #[test]
    fn host_is_optional_case_insensitive_and_trimmed() {
        let head = parse_request_head(b"GET / HTTP/1.0\r\n\r\n");
        assert_eq!(head.map(|h| h.host), Ok(None));
        let head = parse_request_head(b"GET / HTTP/1.1\r\nhOsT:\t localhost:9 \t\r\n\r\n");
        assert_eq!(head.map(|h| h.host), Ok(Some("localhost:9".into())));
    }

    #[test]
    fn bytes_after_the_head_are_ignored() {
        let head = parse_request_head(b"POST /x HTTP/1.1\r\n\r\n\x00\xffbody");
        assert_eq!(head.map(|h| h.method), Ok("POST".into()));
    }

    #[test]
    fn without_blank_line_is_incomplete() {
        for buf in [
            &b""[..],
            b"G",
            b"GET /callback HTTP/1.1",
            b"GET /callback HTTP/1.1\r",
            b"GET /callback HTTP/1.1\r\n",
            b"GET /callback HTTP/1.1\r\nHost: 127.0.0.1:1\r\n",
        ] {
            assert_eq!(parse_request_head(buf), Err(RequestError::Incomplete));
        }
    }

    #[test]
    fn bare_lf_is_malformed() {
        malformed(b"GET / HTTP/1.1\n\n");
        malformed(b"GET / HTTP/1.1\nHost: x\n\n");
        malformed(b"GET / HTTP/1.1\r\nHost: a\nb\r\n\r\n");
    }

    #[test]
    fn garbage_is_malformed_at_once() {
        malformed(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03");
        malformed(b"\x00\x00\x00\x00");
        malformed(b"\xff\xfe\r\n\r\n");
        malformed(b"\r\n\r\n");
        malformed(b"hello world, this is not http\r\n");
        malformed(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
    }

    #[test]
    fn request_line_errors() {
        malformed(b"GET HTTP/1.1\r\n\r\n"); // missing target
        malformed(b"GET  / HTTP/1.1\r\n\r\n"); // double space
        malformed(b"GET / HTTP/1.1 extra\r\n\r\n");
        malformed(b" / HTTP/1.1\r\n\r\n"); // empty method
        malformed(b"G(T / HTTP/1.1\r\n\r\n"); // not a token
        malformed(b"GET * HTTP/1.1\r\n\r\n");
        malformed(b"GET http://127.0.0.1:8080/callback HTTP/1.1\r\n\r\n");
        malformed(b"GET / HTTP/2\r\n\r\n");
        malformed(b"GET / http/1.1\r\n\r\n");
        malformed(b"GET /\tx HTTP/1.1\r\n\r\n");
    }

    #[test]
    fn non_utf8_is_malformed() {
        malformed(b"GET /caf\xc3\xa9 HTTP/1.1\r\n\r\n");
        malformed(b"GET /\xff HTTP/1.1\r\n\r\n");
        malformed(b"G\xc3\x89T / HTTP/1.1\r\n\r\n");
        malformed(b"GET / HTTP/1.1\r\nHost: \xc3\xa9:80\r\n\r\n");
        malformed(b"GET / HTTP/1.1\r\nX\xff: 1\r\n\r\n");
    }

    #[test]
    fn non_ascii_in_other_header_values_is_tolerated() {
        let head = parse_request_head(b"GET / HTTP/1.1\r\nX-Name: caf\xc3\xa9 \xff\r\n\r\n");
        assert!(head.is_ok(), "{head:?}");
    }

    #[test]
    fn header_line_errors() {
        malformed(b"GET / HTTP/1.1\r\nno colon here\r\n\r\n");
        malformed(b"GET / HTTP/1.1\r\n: empty name\r\n\r\n");
        malformed(b"GET / HTTP/1.1\r\nHost : 127.0.0.1:1\r\n\r\n");
        malformed(b"GET / HTTP/1.1\r\nX-A: 1\r\n folded\r\n\r\n");
        malformed(b"GET / HTTP/1.1\r\nX-A: a\x00b\r\n\r\n");
        malformed(b"GET / HTTP/1.1\r\nHost: a:1\r\nhost: a:1\r\n\r\n");
    }

    #[test]
    fn limits() {
        let mut big = b"GET / HTTP/1.1\r\nX-Big: ".to_vec();
        big.resize(MAX_HEAD_LEN, b'a');
        assert_eq!(parse_request_head(&big), Err(RequestError::TooLarge));
        big.extend_from_slice(b"\r\n\r\n");
        assert_eq!(parse_request_head(&big), Err(RequestError::TooLarge));

        let mut fits = b"GET / HTTP/1.1\r\nX-Big: ".to_vec();
        fits.resize(MAX_HEAD_LEN - 4, b'a');
        fits.extend_from_slice(b"\r\n\r\n");
        assert!(parse_request_head(&fits).is_ok());

        let mut many = b"GET / HTTP/1.1\r\n".to_vec();
        for i in 0..=MAX_HEADERS {
            many.extend_from_slice(format!("X-{i}: 1\r\n").as_bytes());
        }
        many.extend_from_slice(b"\r\n");
        assert_eq!(parse_request_head(&many), Err(RequestError::TooLarge));
    }

    #[test]
    fn debug_hides_the_query() {
        let head = parse_request_head(b"GET /cb?code=SECRETCODE HTTP/1.1\r\n\r\n");
        let shown = format!("{head:?}");
        assert!(!shown.contains("SECRETCODE"), "{shown}");
        assert!(shown.contains("/cb?<redacted>"), "{shown}");
    }

    #[test]
    fn never_panics_on_prefixes_of_odd_input() {
        let inputs: [&[u8]; 4] = [
            b"GET /a?b=c HTTP/1.1\r\nHost: localhost:1\r\nX: \xff\r\n\r\n",
            b"\r\r\n\n\r\n\r\n:::\r\n",
            b"GET / HTTP/1.1\r\n\t\r\n \r\n\r\n",
            b"\x80\x81GET",
        ];
        for input in inputs {
            for end in 0..=input.len() {
                let _ = parse_request_head(&input[..end]);
            }
        }
    }
}
