//! Where Authdeck keeps its files.
//!
//! Config, state and cache directories follow the XDG base directory spec (and the
//! platform conventions elsewhere, through `dirs`); each can be overridden as a whole
//! with `AUTHDECK_CONFIG_DIR`, `AUTHDECK_STATE_DIR` and `AUTHDECK_CACHE_DIR`. None of
//! these directories ever holds a secret.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The directories of one Authdeck instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dirs {
    /// Hand-editable configuration: `services.toml`.
    pub config: PathBuf,
    /// Account state (expiry, status; never a token) and refresh locks.
    pub state: PathBuf,
    /// Re-creatable data: provider metadata from discovery.
    pub cache: PathBuf,
}

impl Dirs {
    /// The directories from the environment (overrides first, then XDG).
    pub fn from_env() -> Result<Self> {
        Ok(Dirs {
            config: pick("AUTHDECK_CONFIG_DIR", dirs::config_dir())?,
            state: pick(
                "AUTHDECK_STATE_DIR",
                dirs::state_dir().or_else(dirs::data_local_dir),
            )?,
            cache: pick("AUTHDECK_CACHE_DIR", dirs::cache_dir())?,
        })
    }

    /// All three directories under one root (tests, demo mode).
    pub fn under(root: &Path) -> Self {
        Dirs {
            config: root.join("config"),
            state: root.join("state"),
            cache: root.join("cache"),
        }
    }

    /// The directories of demo mode: a `demo` folder inside each, so the demo's services,
    /// state and cache never mix with the user's.
    pub fn demo(&self) -> Self {
        Dirs {
            config: self.config.join("demo"),
            state: self.state.join("demo"),
            cache: self.cache.join("demo"),
        }
    }

    /// The services file.
    pub fn services_file(&self) -> PathBuf {
        self.config.join("services.toml")
    }
}

fn pick(var: &str, base: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os(var).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    base.map(|b| b.join("authdeck")).ok_or_else(|| {
        Error::Config(format!(
            "cannot tell where to keep Authdeck's files (no home directory?): set {var}"
        ))
    })
}

/// Creates `dir` (and parents) readable by the user only.
pub fn ensure_private_dir(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .map_err(|e| Error::io("create the directory", dir, e))
}

/// Removes a file; one that is already gone is fine.
pub fn remove_file_if_present(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io("remove", path, e)),
        _ => Ok(()),
    }
}

/// Removes a directory and everything in it; one that is already gone is fine.
pub fn remove_dir_if_present(dir: &Path) -> Result<()> {
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io("remove", dir, e)),
        _ => Ok(()),
    }
}

/// Writes `contents` to `path` atomically: a temporary file in the same directory is
/// written, flushed to disk and renamed over the target, so a reader sees either the old
/// or the new file, and a failure (disk full, crash) leaves the old one intact.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    stage_atomic(path, contents)?.commit()
}

/// The first step of [`write_atomic`]: `contents` written and flushed to disk in a
/// temporary file beside `path`, which [`Staged::commit`] renames over `path`. Dropping
/// it instead removes the temporary file and leaves `path` as it was.
pub fn stage_atomic(path: &Path, contents: &[u8]) -> Result<Staged> {
    use std::io::Write;
    let dir = path
        .parent()
        .ok_or_else(|| Error::Local(format!("{} has no parent directory", path.display())))?;
    ensure_private_dir(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".authdeck-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io("create a temporary file in", dir, e))?;
    // Through the plain file: NamedTempFile's own writer adds the temp file's name to
    // errors, and the message should name the file being written.
    tmp.as_file_mut()
        .write_all(contents)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| Error::io("write", path, e))?;
    Ok(Staged {
        tmp,
        path: path.to_owned(),
    })
}

/// A file on disk beside its place, not yet in it (see [`stage_atomic`]).
#[derive(Debug)]
pub struct Staged {
    tmp: tempfile::NamedTempFile,
    path: PathBuf,
}

impl Staged {
    /// Puts the file in its place (one rename).
    pub fn commit(self) -> Result<()> {
        let Staged { tmp, path } = self;
        tmp.persist(&path)
            .map_err(|e| Error::io("replace", &path, e.error))?;
        Ok(())
    }
}

/// An exclusive advisory lock on `path` (created if needed), held until the returned
/// file is dropped. Used to serialise writers across processes.
pub fn lock_exclusive(path: &Path) -> Result<std::fs::File> {
    use fs4::fs_std::FileExt;
    if let Some(dir) = path.parent() {
        ensure_private_dir(dir)?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|e| Error::io("open the lock file", path, e))?;
    file.lock_exclusive()
        .map_err(|e| Error::io("lock", path, e))?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("sub").join("f.toml");
        write_atomic(&target, b"one").expect("first write");
        write_atomic(&target, b"two").expect("second write");
        assert_eq!(std::fs::read(&target).expect("read"), b"two");
        let names: Vec<_> = std::fs::read_dir(target.parent().expect("parent"))
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }
}
