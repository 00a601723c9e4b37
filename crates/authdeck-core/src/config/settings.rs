//! The desktop app's settings (`settings.toml` beside `services.toml`): small, hand-
//! editable, validated, written atomically. They hold no secret.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::paths;

/// User-adjustable behaviour of the desktop app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AppSettings {
    /// Seconds after which a copied token is cleared from the clipboard (if still there).
    pub clipboard_clear_secs: u64,
    /// Refresh tokens that have less than this many seconds left.
    pub refresh_margin_secs: i64,
    /// Warn this many minutes before an account must log in again (0: never warn).
    pub warn_before_login_mins: u32,
    /// Closing the window keeps Authdeck running in the tray.
    pub keep_in_tray: bool,
    /// Light or dark colours, or those the desktop prefers.
    pub theme: Theme,
}

/// The app's colour theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Follow the desktop's light/dark preference.
    #[default]
    System,
    Light,
    Dark,
}

impl Default for AppSettings {
    fn default() -> Self {
        AppSettings {
            clipboard_clear_secs: 60,
            refresh_margin_secs: 60,
            warn_before_login_mins: 10,
            keep_in_tray: true,
            theme: Theme::System,
        }
    }
}

impl AppSettings {
    /// Checks the ranges, with messages that say what is allowed.
    pub fn validate(&self) -> Result<()> {
        if !(5..=3600).contains(&self.clipboard_clear_secs) {
            return Err(Error::Config(
                "the clipboard clear delay must be between 5 seconds and 1 hour".into(),
            ));
        }
        if !(10..=3600).contains(&self.refresh_margin_secs) {
            return Err(Error::Config(
                "the refresh margin must be between 10 seconds and 1 hour".into(),
            ));
        }
        if self.warn_before_login_mins > MAX_WARN_MINS {
            return Err(Error::Config(
                "the warning before a login must be between 0 (no warning) and 10080 minutes (a week)".into(),
            ));
        }
        Ok(())
    }

    /// How many seconds before a login is needed the user is warned (0: never).
    pub fn warn_before_login_secs(&self) -> i64 {
        i64::from(self.warn_before_login_mins) * 60
    }
}

/// The longest warning ahead of a login: a week.
const MAX_WARN_MINS: u32 = 7 * 24 * 60;

/// The settings file in `config_dir`.
pub fn file(config_dir: &Path) -> PathBuf {
    config_dir.join("settings.toml")
}

/// Reads the settings; defaults when the file does not exist.
pub fn load(config_dir: &Path) -> Result<AppSettings> {
    let path = file(config_dir);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(AppSettings::default()),
        Err(e) => return Err(Error::io("read", &path, e)),
    };
    let settings: AppSettings = toml::from_str(&text).map_err(|e| {
        super::syntax_error(&path, &text, e.span(), e.message().trim_end().to_owned())
    })?;
    settings.validate()?;
    Ok(settings)
}

/// Validates and stores the settings atomically.
pub fn save(config_dir: &Path, settings: &AppSettings) -> Result<()> {
    settings.validate()?;
    let text = toml::to_string(settings)
        .map_err(|e| Error::Local(format!("could not write the settings: {e}")))?;
    paths::write_atomic(&file(config_dir), text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_defaults_and_validation() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(load(dir.path()).expect("defaults"), AppSettings::default());
        let s = AppSettings {
            clipboard_clear_secs: 30,
            refresh_margin_secs: 120,
            warn_before_login_mins: 30,
            keep_in_tray: false,
            theme: Theme::Dark,
        };
        save(dir.path(), &s).expect("save");
        let text = std::fs::read_to_string(file(dir.path())).expect("read");
        assert!(text.contains("theme = \"dark\""), "{text}");
        assert_eq!(load(dir.path()).expect("load"), s);
        let bad = AppSettings {
            clipboard_clear_secs: 1,
            ..s.clone()
        };
        assert!(save(dir.path(), &bad).is_err());
        let too_early = AppSettings {
            warn_before_login_mins: 10_081,
            ..s.clone()
        };
        assert!(save(dir.path(), &too_early).is_err());
        assert_eq!(s.warn_before_login_secs(), 1800);
        // A file of an earlier version (no warning setting) gets the default, 10 minutes.
        std::fs::write(file(dir.path()), "refresh_margin_secs = 90\n").expect("write");
        assert_eq!(
            load(dir.path()).expect("old file").warn_before_login_mins,
            10
        );
        save(dir.path(), &s).expect("save again");
        assert_eq!(load(dir.path()).expect("unchanged"), s);
        std::fs::write(file(dir.path()), "clipboard_clear_secs = \"x\"\n").expect("write");
        let err = load(dir.path()).expect_err("typed").to_string();
        assert!(err.contains("settings.toml:1:"), "{err}");
    }
}
