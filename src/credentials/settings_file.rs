//! Where the settings live on disk, and reading and writing them without ever losing a file.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use super::settings::Settings;
use crate::io_reason::io_reason;

/// The environment variable that points at another settings file (`--config` wins over it).
pub const CONFIG_ENV: &str = "NETLICENSING_KEYS_CONFIG";

/// The file's name inside the platform's configuration folder.
pub const SETTINGS_FILE_NAME: &str = "settings.toml";

/// How many numbered copies of broken files to keep before giving up.
const MAX_BACKUPS: u32 = 100;

/// The settings file: one path, and the rules for reading and writing it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingsFile {
    path: PathBuf,
}

/// What [`SettingsFile::load`] found. A broken file still gives usable (default) settings, with
/// a warning to show once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loaded {
    pub settings: Settings,
    pub warning: Option<String>,
}

/// Why the settings could not be located, read or saved. `Display` is the sentence for people.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error(
        "No configuration folder was found for this user (is HOME set?). Pass --config FILE or set {CONFIG_ENV}."
    )]
    NoConfigDir,

    #[error("The settings file {} could not be read: {}.", path.display(), io_reason(source))]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    #[error(
        "The settings file {} is broken, and a copy could not be kept at {} ({}). The file was left as it is; fix or move it, then try again.",
        path.display(),
        backup.display(),
        io_reason(source)
    )]
    Backup {
        path: PathBuf,
        backup: PathBuf,
        #[source]
        source: io::Error,
    },

    #[error("The settings could not be saved to {}: {}.", path.display(), io_reason(source))]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    #[error(
        "The proxy address of profile '{profile}' contains a password, and the settings file never holds secrets. Leave the password out, or set it in HTTPS_PROXY in the environment."
    )]
    SecretInProxy { profile: String },

    #[error("The settings could not be written as TOML: {0}.")]
    Serialize(String),
}

impl SettingsFile {
    /// The settings file to use: `--config FILE`, else `$NETLICENSING_KEYS_CONFIG`, else
    /// `settings.toml` in the platform's configuration folder (`~/.config/netlicensing-keys/` on
    /// Linux, `~/Library/Application Support/netlicensing-keys/` on macOS,
    /// `%APPDATA%\netlicensing-keys\config\` on Windows).
    pub fn locate(explicit: Option<&Path>) -> Result<SettingsFile, SettingsError> {
        locate_with(explicit, |name| std::env::var_os(name), platform_config_dir)
    }

    pub fn at(path: impl Into<PathBuf>) -> SettingsFile {
        SettingsFile { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the settings. A missing file gives the defaults. A broken one (not UTF-8, not TOML,
    /// wrong types) is first copied to `<name>.bak` so that nothing is lost when the defaults are
    /// saved over it, and the returned warning says so. A file that cannot be read at all (no
    /// permission) is an error: saving over it would lose it without a copy.
    pub fn load(&self) -> Result<Loaded, SettingsError> {
        let bytes = match fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                return Ok(Loaded {
                    settings: Settings::default(),
                    warning: None,
                });
            }
            Err(source) => {
                return Err(SettingsError::Read {
                    path: self.path.clone(),
                    source,
                });
            }
        };
        match parse(&bytes) {
            Ok(settings) => Ok(Loaded {
                settings,
                warning: None,
            }),
            Err(problem) => {
                let backup = self.keep_copy(&bytes)?;
                let warning = format!(
                    "The settings file {} could not be read ({problem}). It was copied to {}, and default settings are used until you save new ones.",
                    self.path.display(),
                    backup.display()
                );
                tracing::warn!(path = %self.path.display(), backup = %backup.display(), %problem, "settings file is broken; kept a copy");
                Ok(Loaded {
                    settings: Settings::default(),
                    warning: Some(warning),
                })
            }
        }
    }

    /// Writes the settings atomically: a temporary file in the same folder (owner-only from its
    /// creation on Unix), flushed to disk, then renamed over the old file. A crash leaves either
    /// the old or the new file, never half of one.
    pub fn save(&self, settings: &Settings) -> Result<(), SettingsError> {
        refuse_secrets(settings)?;
        let text = toml::to_string_pretty(settings)
            .map_err(|error| SettingsError::Serialize(error.to_string()))?;
        let target = self.write_target();
        let write_error = |source| SettingsError::Write {
            path: target.clone(),
            source,
        };
        let dir = match target.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&dir).map_err(write_error)?;
        let (temp_path, mut file) = create_temp_file(&dir, &target).map_err(write_error)?;
        let written = file
            .write_all(text.as_bytes())
            .and_then(|()| file.sync_all())
            .and_then(|()| {
                drop(file);
                fs::rename(&temp_path, &target)
            });
        if let Err(source) = written {
            // Best effort: the error that matters is the one above.
            let _ = fs::remove_file(&temp_path);
            return Err(write_error(source));
        }
        sync_dir(&dir);
        tracing::debug!(path = %target.display(), "settings saved");
        Ok(())
    }

    /// A symlinked settings file (dotfile managers do this) is written through, not replaced.
    fn write_target(&self) -> PathBuf {
        let is_link = fs::symlink_metadata(&self.path).is_ok_and(|meta| meta.is_symlink());
        if is_link && let Ok(real) = fs::canonicalize(&self.path) {
            return real;
        }
        self.path.clone()
    }

    /// Copies a broken file's bytes to `<name>.bak` (or `.bak.2`, `.bak.3`, ... when an older,
    /// different copy is there), never overwriting anything. Loading the same broken file twice
    /// reuses its copy instead of piling up new ones.
    fn keep_copy(&self, bytes: &[u8]) -> Result<PathBuf, SettingsError> {
        let mut name = self
            .path
            .file_name()
            .map_or_else(|| OsString::from(SETTINGS_FILE_NAME), OsString::from);
        name.push(".bak");
        let first = self.path.with_file_name(&name);
        let mut last_error = None;
        for number in 1..=MAX_BACKUPS {
            let candidate = if number == 1 {
                first.clone()
            } else {
                let mut numbered = name.clone();
                numbered.push(format!(".{number}"));
                self.path.with_file_name(numbered)
            };
            match create_new_private(&candidate) {
                Ok(mut file) => {
                    let copied = file.write_all(bytes).and_then(|()| file.sync_all());
                    return match copied {
                        Ok(()) => Ok(candidate),
                        Err(source) => {
                            drop(file);
                            let _ = fs::remove_file(&candidate);
                            Err(self.backup_error(candidate, source))
                        }
                    };
                }
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
                    if fs::read(&candidate).is_ok_and(|existing| existing == bytes) {
                        return Ok(candidate);
                    }
                    last_error = Some(error);
                }
                Err(source) => return Err(self.backup_error(candidate, source)),
            }
        }
        let source = last_error.unwrap_or_else(|| io::Error::other("too many copies"));
        Err(self.backup_error(first, source))
    }

    fn backup_error(&self, backup: PathBuf, source: io::Error) -> SettingsError {
        SettingsError::Backup {
            path: self.path.clone(),
            backup,
            source,
        }
    }
}

fn locate_with(
    explicit: Option<&Path>,
    get_env: impl Fn(&str) -> Option<OsString>,
    config_dir: impl FnOnce() -> Option<PathBuf>,
) -> Result<SettingsFile, SettingsError> {
    if let Some(path) = explicit {
        return Ok(SettingsFile::at(path));
    }
    if let Some(path) = get_env(CONFIG_ENV).filter(|value| !value.is_empty()) {
        return Ok(SettingsFile::at(path));
    }
    config_dir()
        .map(|dir| SettingsFile::at(dir.join(SETTINGS_FILE_NAME)))
        .ok_or(SettingsError::NoConfigDir)
}

fn platform_config_dir() -> Option<PathBuf> {
    // No organisation: the folder is simply "netlicensing-keys" on every platform.
    directories::ProjectDirs::from("", "", "netlicensing-keys")
        .map(|dirs| dirs.config_dir().to_path_buf())
}

/// Parses settings, describing a problem without quoting the file (a stray secret pasted into
/// it must not end up in a warning or a log).
fn parse(bytes: &[u8]) -> Result<Settings, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_owned())?;
    toml::from_str(text).map_err(|error| {
        let message = error.message().trim_end_matches('\n');
        match error.span() {
            Some(span) => {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                format!("line {line}, column {column}: {message}")
            }
            None => message.to_owned(),
        }
    })
}

/// The settings file never holds a secret; a proxy address is the one field that could carry one.
fn refuse_secrets(settings: &Settings) -> Result<(), SettingsError> {
    for (name, profile) in &settings.profiles {
        let has_password = profile
            .network
            .https_proxy
            .as_deref()
            .and_then(|proxy| url::Url::parse(proxy.trim()).ok())
            .is_some_and(|url| url.password().is_some());
        if has_password {
            return Err(SettingsError::SecretInProxy {
                profile: name.clone(),
            });
        }
    }
    Ok(())
}

fn create_temp_file(dir: &Path, target: &Path) -> io::Result<(PathBuf, File)> {
    let base = target
        .file_name()
        .map_or_else(|| OsString::from(SETTINGS_FILE_NAME), OsString::from);
    let mut last_error = io::Error::other("no temporary file name was free");
    for attempt in 0..MAX_BACKUPS {
        let mut name = OsString::from(".");
        name.push(&base);
        name.push(format!(".tmp-{}-{attempt}", std::process::id()));
        let path = dir.join(name);
        match create_new_private(&path) {
            Ok(file) => return Ok((path, file)),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => last_error = error,
            Err(error) => return Err(error),
        }
    }
    Err(last_error)
}

/// Creates a file that must not exist yet; on Unix it is owner-only from the start, so its
/// content is never readable by others, not even for a moment.
fn create_new_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    options.open(path)
}

/// Makes the rename itself durable. Best effort: not every platform or file system allows it.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests;
