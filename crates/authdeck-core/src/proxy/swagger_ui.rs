//! Swagger UI's files for the docs page, read from a directory instead of being linked
//! into the binary (they weigh 4 MB, more than the rest of the CLI): `AUTHDECK_SWAGGER_UI_DIR`
//! when set, else `<directory of the running executable>/../share/authdeck/swagger-ui`
//! (`/usr/bin` → `/usr/share/authdeck/swagger-ui`, where the Debian package puts them).
//!
//! Only the fixed names in [`FILES`] are ever opened: no part of a request's path reaches
//! the file system. Each file may be there gzip-compressed (`<name>.gz`, as the package
//! installs it) or plain (an unpacked `swagger-ui-dist` npm package); a `.gz` goes out
//! as is with `Content-Encoding: gzip` to a client that accepts it (every browser), and
//! decompressed to one that does not.

use std::io::Read;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderValue};
use http::{Response, StatusCode};

use super::body::{self, ProxyBody};

/// The variable naming the directory of Swagger UI's files.
pub const DIR_ENV: &str = "AUTHDECK_SWAGGER_UI_DIR";

/// The files served, by the name the page asks for, with their content types.
pub const FILES: [(&str, &str); 2] = [
    ("swagger-ui-bundle.js", "text/javascript; charset=utf-8"),
    ("swagger-ui.css", "text/css; charset=utf-8"),
];

/// The largest file read (the bundle is 1.7 MB plain, about 0.5 MB compressed).
const MAX_FILE: u64 = 16 * 1024 * 1024;

/// Where Swagger UI's files are looked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UiDir {
    /// This directory (from the variable, or beside the executable).
    At(PathBuf),
    /// The executable's location is unknown and the variable is not set.
    Unknown,
}

impl UiDir {
    /// The directory for this process: the variable when set (and not empty), else the
    /// one beside the running executable.
    pub fn locate() -> UiDir {
        let exe = std::env::current_exe().ok();
        Self::from(std::env::var_os(DIR_ENV), exe.as_deref())
    }

    fn from(var: Option<std::ffi::OsString>, exe: Option<&Path>) -> UiDir {
        if let Some(dir) = var.filter(|v| !v.is_empty()) {
            return UiDir::At(PathBuf::from(dir));
        }
        let Some(bin) = exe.and_then(Path::parent) else {
            return UiDir::Unknown;
        };
        let prefix = bin.parent().unwrap_or(bin);
        UiDir::At(prefix.join("share").join("authdeck").join("swagger-ui"))
    }

    /// Where the files were looked for, for the page that says they are missing.
    pub fn describe(&self) -> String {
        match self {
            UiDir::At(dir) => dir.display().to_string(),
            UiDir::Unknown => format!(
                "nowhere: the location of the running program is unknown and {DIR_ENV} is not set"
            ),
        }
    }

    /// Whether every file is there (compressed or plain).
    pub async fn complete(&self) -> bool {
        let UiDir::At(dir) = self else {
            return false;
        };
        let dir = dir.clone();
        tokio::task::spawn_blocking(move || {
            FILES.iter().all(|(name, _)| {
                is_file(&dir.join(format!("{name}.gz"))) || is_file(&dir.join(name))
            })
        })
        .await
        .unwrap_or(false)
    }

    /// The answer for `name` (one of [`FILES`], else a bare 404) to a request with
    /// `request` headers.
    pub async fn serve(&self, name: &str, request: &HeaderMap) -> Response<ProxyBody> {
        let (UiDir::At(dir), Some(&(name, content_type))) =
            (self, FILES.iter().find(|(n, _)| *n == name))
        else {
            return body::empty(StatusCode::NOT_FOUND);
        };
        let gzip = accepts_gzip(request);
        let dir = dir.clone();
        let loaded = tokio::task::spawn_blocking(move || load(&dir, name, gzip))
            .await
            .unwrap_or(Loaded::Broken);
        let (bytes, compressed) = match loaded {
            Loaded::Found(bytes, compressed) => (bytes, compressed),
            Loaded::Missing => return body::empty(StatusCode::NOT_FOUND),
            Loaded::Broken => return body::empty(StatusCode::INTERNAL_SERVER_ERROR),
        };
        let mut resp = Response::new(body::full(bytes));
        let h = resp.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        if compressed {
            h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("max-age=3600"),
        );
        h.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        resp
    }
}

/// A file as read for one answer.
enum Loaded {
    /// Its bytes, and whether they are gzip-compressed.
    Found(Bytes, bool),
    Missing,
    /// There, but unusable (logged).
    Broken,
}

/// File `name` of `dir`: `<name>.gz` as it is when `gzip` is accepted, else decompressed;
/// `<name>` when there is no `.gz`. Blocking.
fn load(dir: &Path, name: &str, gzip: bool) -> Loaded {
    match read(&dir.join(format!("{name}.gz"))) {
        Some(packed) if gzip => Loaded::Found(packed, true),
        Some(packed) => match gunzip(&packed) {
            Some(plain) => Loaded::Found(plain, false),
            None => {
                tracing::warn!(
                    "proxy: {name}.gz in {} is not a gzip file of at most {MAX_FILE} bytes",
                    dir.display()
                );
                Loaded::Broken
            }
        },
        None => match read(&dir.join(name)) {
            Some(plain) => Loaded::Found(plain, false),
            None => Loaded::Missing,
        },
    }
}

fn is_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file())
}

/// The content of the file at `path`; `None` when there is none (or it cannot be read,
/// or is larger than [`MAX_FILE`]: logged). Blocking.
fn read(path: &Path) -> Option<Bytes> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() <= MAX_FILE => {}
        Ok(meta) if meta.is_file() => {
            tracing::warn!("proxy: {} is larger than {MAX_FILE} bytes", path.display());
            return None;
        }
        _ => return None,
    }
    match std::fs::read(path) {
        Ok(bytes) => Some(Bytes::from(bytes)),
        Err(e) => {
            tracing::warn!("proxy: could not read {}: {e}", path.display());
            None
        }
    }
}

/// `packed` decompressed; `None` when it is not gzip (or inflates past [`MAX_FILE`]).
fn gunzip(packed: &[u8]) -> Option<Bytes> {
    let mut plain = Vec::new();
    flate2::read::GzDecoder::new(packed)
        .take(MAX_FILE + 1)
        .read_to_end(&mut plain)
        .ok()?;
    (plain.len() as u64 <= MAX_FILE).then(|| Bytes::from(plain))
}

/// Whether the request's `Accept-Encoding` takes gzip (RFC 9110 §12.5.3: `gzip`,
/// `x-gzip` or `*`, with a weight other than 0).
pub fn accepts_gzip(request: &HeaderMap) -> bool {
    request
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let coding = parts.next().unwrap_or_default();
            let named = ["gzip", "x-gzip", "*"]
                .iter()
                .any(|c| coding.eq_ignore_ascii_case(c));
            let weight_zero = parts.any(|p| {
                p.split_once('=').is_some_and(|(k, v)| {
                    k.trim().eq_ignore_ascii_case("q")
                        && v.trim().parse::<f32>().is_ok_and(|q| q <= 0.0)
                })
            });
            named && !weight_zero
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(accept: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for a in accept {
            h.append(
                header::ACCEPT_ENCODING,
                HeaderValue::from_str(a).expect("test value"),
            );
        }
        h
    }

    #[test]
    fn gzip_is_sent_only_to_clients_that_take_it() {
        for yes in [
            &["gzip, deflate, br, zstd"][..],
            &["br", "GZip;q=0.5"],
            &["x-gzip"],
            &["*"],
            &["identity, gzip ; q=1.0"],
        ] {
            assert!(accepts_gzip(&headers(yes)), "{yes:?}");
        }
        for no in [
            &[][..],
            &["identity"],
            &["br, deflate"],
            &["gzip;q=0"],
            &["gzip; q=0.000"],
            &["gzipped"],
        ] {
            assert!(!accepts_gzip(&headers(no)), "{no:?}");
        }
    }

    #[test]
    fn the_directory_is_the_variable_else_beside_the_executable() {
        assert_eq!(
            UiDir::from(Some("/opt/ui".into()), Some(Path::new("/usr/bin/authdeck"))),
            UiDir::At(PathBuf::from("/opt/ui"))
        );
        assert_eq!(
            UiDir::from(Some("".into()), Some(Path::new("/usr/bin/authdeck-full"))),
            UiDir::At(PathBuf::from("/usr/share/authdeck/swagger-ui"))
        );
        assert_eq!(
            UiDir::from(
                None,
                Some(Path::new("/home/me/.local/bin/authdeck-desktop"))
            ),
            UiDir::At(PathBuf::from("/home/me/.local/share/authdeck/swagger-ui"))
        );
        assert_eq!(UiDir::from(None, None), UiDir::Unknown);
        assert!(UiDir::Unknown.describe().contains(DIR_ENV));
    }

    #[test]
    fn gunzip_takes_gzip_only() {
        let mut packed = Vec::new();
        {
            use std::io::Write;
            let mut enc =
                flate2::write::GzEncoder::new(&mut packed, flate2::Compression::default());
            enc.write_all(b"body { color: red }").expect("test value");
            enc.finish().expect("test value");
        }
        assert_eq!(
            gunzip(&packed).as_deref(),
            Some(&b"body { color: red }"[..])
        );
        assert_eq!(gunzip(b"body { color: red }"), None);
    }
}
