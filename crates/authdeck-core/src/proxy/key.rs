//! The proxy's access key: 256 random bits, base64url, as the first path segment of every
//! URL the proxy answers on TCP (like a Jupyter token). A loopback port is reachable by
//! every local user; the key is what makes the proxy its user's alone.

use oauth2::CsrfToken;

/// The access key of one proxy run.
#[derive(Clone)]
pub struct AccessKey(String);

impl std::fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccessKey(<redacted>)")
    }
}

impl AccessKey {
    /// A new key from the system's random source: 32 bytes, base64url (43 characters).
    pub fn random() -> AccessKey {
        AccessKey(CsrfToken::new_random_len(32).secret().clone())
    }

    /// The key as it appears in the URL.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Splits `path` (`/<key>/rest`) into the rest (`/rest`, `/` when there is none)
    /// when its first segment is this key; `None` otherwise. The comparison takes the
    /// same time wherever the first difference is.
    pub fn strip<'p>(&self, path: &'p str) -> Option<&'p str> {
        let path = path.strip_prefix('/')?;
        let (first, rest) = match path.find('/') {
            Some(i) => path.split_at(i),
            None => (path, ""),
        };
        if !constant_time_eq(first.as_bytes(), self.0.as_bytes()) {
            return None;
        }
        Some(if rest.is_empty() { "/" } else { rest })
    }
}

/// Whether `a == b`, looking at every byte whatever the first difference.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> AccessKey {
        AccessKey(k.to_owned())
    }

    #[test]
    fn random_keys_are_long_url_safe_and_differ() {
        let (a, b) = (AccessKey::random(), AccessKey::random());
        assert_eq!(a.as_str().len(), 43, "256 bits in base64url");
        assert!(a
            .as_str()
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        assert_ne!(a.as_str(), b.as_str());
        assert!(!format!("{a:?}").contains(a.as_str()));
    }

    #[test]
    fn only_the_exact_first_segment_opens() {
        let k = key("s3cret");
        assert_eq!(k.strip("/s3cret/api/v1/x"), Some("/api/v1/x"));
        assert_eq!(k.strip("/s3cret/"), Some("/"));
        assert_eq!(k.strip("/s3cret"), Some("/"));
        assert_eq!(k.strip("/s3cre/api"), None);
        assert_eq!(k.strip("/s3cretX/api"), None);
        assert_eq!(k.strip("/S3CRET/api"), None);
        assert_eq!(k.strip("/api/s3cret/x"), None);
        assert_eq!(k.strip("s3cret/x"), None);
        assert_eq!(k.strip("/"), None);
        assert_eq!(k.strip(""), None);
    }
}
