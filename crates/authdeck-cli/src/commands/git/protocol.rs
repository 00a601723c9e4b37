//! git's credential helper protocol (gitcredentials(7), git-credential(1)), pure: the
//! request git writes (`key=value` lines up to an empty line or the end), which hosts
//! may get a service's token, and the answer.
//!
//! A token goes only where the user tied the service to: an https request (or http to a
//! loopback address, for local servers) whose host[:port] is one of the allowed hosts.

/// What git asks about (the attributes this helper reads; others are ignored).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    pub protocol: Option<String>,
    pub host: Option<String>,
    pub username: Option<String>,
    /// `capability[]` values git offered (`authtype`, `state`, …).
    pub capabilities: Vec<String>,
}

/// The longest request this helper reads (git's are a few hundred bytes).
pub const MAX_REQUEST: usize = 64 * 1024;

impl Request {
    /// Parses the request: `key=value` lines until an empty line or the end of `text`.
    /// A line without `=` is an error (git never sends one); unknown keys are skipped.
    pub fn parse(text: &str) -> Result<Request, String> {
        let mut request = Request::default();
        for line in text.split('\n') {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.is_empty() {
                break;
            }
            let Some((key, value)) = line.split_once('=') else {
                return Err(format!(
                    "git sent a line without '=' ({} bytes): not a credential request",
                    line.len()
                ));
            };
            match key {
                "protocol" => request.protocol = Some(value.to_owned()),
                "host" => request.host = Some(value.to_owned()),
                "username" => request.username = Some(value.to_owned()),
                "capability[]" => request.capabilities.push(value.to_owned()),
                _ => {}
            }
        }
        Ok(request)
    }

    /// Whether git can take an `authtype`/`credential` answer.
    pub fn offers_authtype(&self) -> bool {
        self.capabilities.iter().any(|c| c == "authtype")
    }

    /// Whether the request may get a token tied to `allowed` hosts (host or host:port,
    /// any case; a default port is the same as none): https to one of them, or http to
    /// one that is a loopback address.
    pub fn goes_to(&self, allowed: &[String]) -> bool {
        let (Some(protocol), Some(host)) = (self.protocol.as_deref(), self.host.as_deref()) else {
            return false;
        };
        let secure = match protocol {
            "https" => true,
            "http" => is_loopback(host),
            _ => return false,
        };
        let host = normal_host(protocol, host);
        secure
            && allowed
                .iter()
                .any(|a| !a.is_empty() && normal_host(protocol, a) == host)
    }
}

/// `host[:port]` in lower case, without the protocol's default port.
fn normal_host(protocol: &str, host: &str) -> String {
    let host = host.to_ascii_lowercase();
    let default = match protocol {
        "https" => ":443",
        "http" => ":80",
        _ => "",
    };
    match host.strip_suffix(default) {
        Some(bare) if !default.is_empty() => bare.to_owned(),
        _ => host,
    }
}

/// Whether `host[:port]` names this machine: `localhost`, 127.0.0.0/8 or `[::1]`.
pub fn is_loopback(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(name, _)| name)
    };
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    name.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

/// `host[:port]` of an http(s) URL as git names it (the port only when not the
/// scheme's default), or `None` for another scheme.
pub fn host_of(url: &url::Url) -> Option<String> {
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let host = url.host_str()?;
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

/// The answer to `get`: with `authtype` offered, a bearer credential git sends as is
/// (marked ephemeral, so no other helper stores it); otherwise a user name and the
/// token as the password, the form forges take a token in. An API key (`bearer`
/// false) always takes the password form. `expires_at`: Unix seconds.
pub fn answer(request: &Request, token: &str, bearer: bool, expires_at: Option<i64>) -> String {
    let mut out = String::new();
    if bearer && request.offers_authtype() {
        out.push_str("capability[]=authtype\nauthtype=Bearer\n");
        out.push_str(&format!("credential={token}\nephemeral=1\n"));
    } else {
        let username = request.username.as_deref().unwrap_or(DEFAULT_USERNAME);
        out.push_str(&format!("username={username}\npassword={token}\n"));
    }
    if let Some(at) = expires_at {
        out.push_str(&format!("password_expiry_utc={at}\n"));
    }
    out
}

/// The user name sent with a token as password when git has none: the one GitLab asks
/// for with an OAuth token; GitHub, Gitea and others take any.
pub const DEFAULT_USERNAME: &str = "oauth2";

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(hosts: &[&str]) -> Vec<String> {
        hosts.iter().map(|h| (*h).to_owned()).collect()
    }

    #[test]
    fn reads_the_attributes_up_to_the_empty_line() {
        let r = Request::parse(
            "capability[]=authtype\ncapability[]=state\nprotocol=https\nhost=Git.Example.org:8443\n\
             username=alice\nwwwauth[]=Bearer realm=\"x=y\"\n\nhost=evil.example\n",
        )
        .expect("parse");
        assert_eq!(r.protocol.as_deref(), Some("https"));
        assert_eq!(r.host.as_deref(), Some("Git.Example.org:8443"));
        assert_eq!(r.username.as_deref(), Some("alice"));
        assert_eq!(r.capabilities, ["authtype", "state"]);
        assert!(r.offers_authtype());
        // To the end without an empty line, with CRLF, is read too.
        let r = Request::parse("protocol=http\r\nhost=127.0.0.1:9\r\n").expect("parse");
        assert_eq!(r.host.as_deref(), Some("127.0.0.1:9"));
        assert!(!r.offers_authtype());
        assert!(Request::parse("protocol https\n").is_err());
        assert_eq!(Request::parse("").expect("empty"), Request::default());
    }

    #[test]
    fn a_token_goes_only_to_its_hosts_over_https_or_loopback_http() {
        let req = |protocol: &str, host: &str| Request {
            protocol: Some(protocol.into()),
            host: Some(host.into()),
            ..Request::default()
        };
        let hosts = allowed(&["git.example.org", "127.0.0.1:8080", "localhost:9"]);
        assert!(req("https", "git.example.org").goes_to(&hosts));
        assert!(req("https", "GIT.example.org:443").goes_to(&hosts));
        assert!(req("http", "127.0.0.1:8080").goes_to(&hosts));
        assert!(req("http", "localhost:9").goes_to(&hosts));
        for (protocol, host) in [
            ("http", "git.example.org"),
            ("https", "git.example.org:8443"),
            ("https", "git.example.org.evil.example"),
            ("https", "evil.example"),
            ("http", "127.0.0.1:8081"),
            ("ssh", "git.example.org"),
            ("https", ""),
        ] {
            assert!(!req(protocol, host).goes_to(&hosts), "{protocol}://{host}");
        }
        assert!(!Request::default().goes_to(&hosts));
        assert!(!req("https", "").goes_to(&allowed(&[""])));
    }

    #[test]
    fn loopback_hosts() {
        for host in [
            "localhost",
            "LOCALHOST:80",
            "127.0.0.1",
            "127.1.2.3:9",
            "[::1]:8080",
            "[::1]",
        ] {
            assert!(is_loopback(host), "{host}");
        }
        for host in ["localhost.example", "10.0.0.1", "[::2]:80", "example.org"] {
            assert!(!is_loopback(host), "{host}");
        }
    }

    #[test]
    fn url_hosts_as_git_names_them() {
        let host = |u: &str| host_of(&url::Url::parse(u).expect("url"));
        assert_eq!(
            host("https://Git.Example.org/api/v4"),
            Some("git.example.org".into())
        );
        assert_eq!(host("https://h:443/"), Some("h".into()));
        assert_eq!(
            host("http://127.0.0.1:8080/x"),
            Some("127.0.0.1:8080".into())
        );
        assert_eq!(host("ftp://h/"), None);
    }

    #[test]
    fn answers_with_authtype_when_offered_else_user_and_password() {
        let mut r = Request {
            capabilities: vec!["authtype".into()],
            ..Request::default()
        };
        assert_eq!(
            answer(&r, "tok", true, Some(1700000000)),
            "capability[]=authtype\nauthtype=Bearer\ncredential=tok\nephemeral=1\npassword_expiry_utc=1700000000\n"
        );
        assert_eq!(
            answer(&r, "key", false, None),
            "username=oauth2\npassword=key\n"
        );
        r.capabilities.clear();
        assert_eq!(
            answer(&r, "tok", true, Some(5)),
            "username=oauth2\npassword=tok\npassword_expiry_utc=5\n"
        );
        r.username = Some("alice".into());
        assert_eq!(
            answer(&r, "tok", true, None),
            "username=alice\npassword=tok\n"
        );
    }
}
