//! Reading a document: from an `http(s)` URL through the one HTTP client (no redirects,
//! capped at [`MAX_DOCUMENT`]), or from a file. Errors name the URL or path and never
//! quote the body.

use std::io::Read;
use std::path::PathBuf;

use url::Url;

use super::MAX_DOCUMENT;
use crate::error::{Error, Result};
use crate::http::HttpClient;

/// Where a document comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Url(Url),
    File(PathBuf),
}

impl Source {
    /// An `http://` or `https://` argument is a URL; anything else a file path.
    pub fn from_arg(arg: &str) -> Result<Source> {
        let lower = arg.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            let url = Url::parse(arg)
                .map_err(|e| Error::Config(format!("'{arg}' is not a valid URL: {e}")))?;
            Ok(Source::Url(url))
        } else {
            Ok(Source::File(PathBuf::from(arg)))
        }
    }
}

/// A document's text and, when it came from the web, its URL.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub text: String,
    pub url: Option<Url>,
}

/// Reads the document at `source`.
pub async fn fetch(http: &HttpClient, source: &Source) -> Result<Fetched> {
    match source {
        Source::Url(url) => fetch_url(http, url).await,
        Source::File(path) => {
            let path = path.clone();
            let text = tokio::task::spawn_blocking(move || read_file(&path))
                .await
                .map_err(|e| Error::Local(format!("reading the file failed: {e}")))??;
            Ok(Fetched { text, url: None })
        }
    }
}

fn read_file(path: &std::path::Path) -> Result<String> {
    let file = std::fs::File::open(path).map_err(|e| Error::io("open", path, e))?;
    let mut bytes = Vec::new();
    file.take(MAX_DOCUMENT as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io("read", path, e))?;
    if bytes.len() > MAX_DOCUMENT {
        return Err(Error::Config(format!(
            "{} is larger than {} MiB, Authdeck's limit for an OpenAPI document",
            path.display(),
            MAX_DOCUMENT / (1024 * 1024)
        )));
    }
    String::from_utf8(bytes).map_err(|_| {
        Error::Config(format!(
            "{} is not UTF-8 text, so not an OpenAPI document",
            path.display()
        ))
    })
}

async fn fetch_url(http: &HttpClient, url: &Url) -> Result<Fetched> {
    let what = format!("the OpenAPI document {url}");
    let req = http.request(reqwest::Method::GET, url).header(
        reqwest::header::ACCEPT,
        "application/json, application/yaml;q=0.9, text/yaml;q=0.9, */*;q=0.5",
    );
    let resp = http.send_capped(req, &what, MAX_DOCUMENT).await?;
    if (300..400).contains(&resp.status) {
        return Err(Error::Provider(format!(
            "could not fetch {what}: it redirects (HTTP {}), and Authdeck does not follow redirects; import the URL it redirects to",
            resp.status
        )));
    }
    if !resp.is_success() {
        return Err(Error::Provider(format!(
            "could not fetch {what}: HTTP {}; check the URL (it must be the JSON or YAML document, not the docs page)",
            resp.status
        )));
    }
    let text = String::from_utf8(resp.body).map_err(|_| {
        Error::Provider(format!(
            "{what} is not UTF-8 text, so not an OpenAPI document"
        ))
    })?;
    Ok(Fetched {
        text,
        url: Some(url.clone()),
    })
}
