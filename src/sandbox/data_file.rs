//! Keeping the sandbox's tokens in a file across restarts.
//!
//! The file holds API keys (the token numbers are the secrets), so it is written with
//! permissions 0600 on Unix, its content is never logged, and a file that cannot be read is
//! reported rather than replaced. Every save writes a temporary file in the same directory and
//! renames it over the old one, so a crash leaves either the old or the new state, never half.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

use super::error::SandboxError;
use super::store::Store;
use super::token::{StoredToken, TokenType};
use crate::api::token::TokenNumber;

/// Written into every file, so a stray JSON file is not mistaken for sandbox data.
const FORMAT: &str = "netlicensing-keys-sandbox";
const VERSION: u32 = 1;

/// One data file, and the newest state written to it.
pub(crate) struct DataFile {
    path: PathBuf,
    /// The store generation last written; older snapshots that arrive late are skipped.
    written: Mutex<Option<u64>>,
}

/// A serialised state, ready to be written.
pub(crate) struct Snapshot {
    generation: u64,
    bytes: Vec<u8>,
}

#[derive(Deserialize)]
struct OnDisk {
    format: String,
    version: u32,
    tokens: Vec<StoredToken>,
}

/// Borrows the store for serialising, so a save copies nothing but the output.
struct Borrowed<'a>(&'a Store);

impl Serialize for Borrowed<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Tokens<'a>(&'a Store);
        impl Serialize for Tokens<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_seq(self.0.tokens())
            }
        }
        let mut file = serializer.serialize_struct("OnDisk", 3)?;
        file.serialize_field("format", FORMAT)?;
        file.serialize_field("version", &VERSION)?;
        file.serialize_field("tokens", &Tokens(self.0))?;
        file.end()
    }
}

impl DataFile {
    /// Reads the file. `Ok(None)` when it does not exist yet (a fresh sandbox).
    pub(crate) fn open(path: &Path) -> Result<(DataFile, Option<Store>), SandboxError> {
        let data_file = DataFile {
            path: path.to_owned(),
            written: Mutex::new(None),
        };
        let bytes = match fs::read(path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok((data_file, None)),
            Err(source) => {
                return Err(SandboxError::DataFileUnreadable {
                    path: path.to_owned(),
                    source,
                });
            }
        };
        let store = parse(&bytes).map_err(|reason| SandboxError::DataFileCorrupt {
            path: path.to_owned(),
            reason,
        })?;
        *data_file.lock() = Some(store.generation());
        Ok((data_file, Some(store)))
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Serialises the store; call it while holding the store's lock, right after a change.
    pub(crate) fn snapshot(store: &Store) -> Snapshot {
        let mut bytes = Vec::with_capacity(256 + store.len() * 256);
        // Writing plain structs into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut bytes, &Borrowed(store));
        bytes.push(b'\n');
        Snapshot {
            generation: store.generation(),
            bytes,
        }
    }

    /// Writes a snapshot unless a newer one was written already. Blocking: run it off the
    /// async workers.
    pub(crate) fn save(&self, snapshot: &Snapshot) -> io::Result<()> {
        let mut written = self.lock();
        if written.is_some_and(|newest| snapshot.generation <= newest) {
            return Ok(());
        }
        write_atomically(&self.path, &snapshot.bytes)?;
        *written = Some(snapshot.generation);
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<u64>> {
        self.written.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Checks everything a hand-edited or damaged file could get wrong; the message says what.
fn parse(bytes: &[u8]) -> Result<Store, String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err("it is empty".to_owned());
    }
    let file: OnDisk = serde_json::from_slice(bytes).map_err(|e| describe(&e))?;
    if file.format != FORMAT {
        return Err(format!("its format is {:?}, not {FORMAT:?}", file.format));
    }
    if file.version != VERSION {
        return Err(format!(
            "it is version {}, this program reads version {VERSION}",
            file.version
        ));
    }
    for (index, token) in file.tokens.iter().enumerate() {
        if TokenNumber::parse(&token.number).is_err() || token.number.trim() != token.number {
            return Err(format!("token {} has an invalid number", index + 1));
        }
        if token.token_type == TokenType::Apikey && token.api_key_role.is_none() {
            return Err(format!("API key {} has no apiKeyRole", index + 1));
        }
    }
    Store::from_tokens(file.tokens).map_err(|_| "two tokens have the same number".to_owned())
}

/// Where and what kind of problem, but never serde's message: it can quote a value, and the
/// values in this file are keys.
fn describe(error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match error.classify() {
        Category::Io => "it could not be read",
        Category::Syntax => "it is not valid JSON",
        Category::Data => "it is not valid sandbox JSON",
        Category::Eof => "it ends too early",
    };
    format!("{what} (line {}, column {})", error.line(), error.column())
}

fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map_or_else(|| "sandbox".into(), |n| n.to_string_lossy());
    let temporary = directory.join(format!(
        ".{name}.{}-{}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut file = create_private(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temporary, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    result
}

fn create_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::seed;

    fn seeded() -> Store {
        Store::from_tokens(seed::fixed_tokens(time::OffsetDateTime::now_utc())).unwrap_or_default()
    }

    #[test]
    fn saves_and_reads_back_in_order() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("sandbox.json");
        let (file, existing) = DataFile::open(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(existing.is_none());
        let store = seeded();
        file.save(&DataFile::snapshot(&store))
            .unwrap_or_else(|e| panic!("{e}"));
        let (_, read) = DataFile::open(&path).unwrap_or_else(|e| panic!("{e}"));
        let read = read.unwrap_or_default();
        let numbers = |s: &Store| s.tokens().map(|t| t.number.clone()).collect::<Vec<_>>();
        assert_eq!(numbers(&read), numbers(&store));
        let leftovers = fs::read_dir(dir.path()).map_or(0, Iterator::count);
        assert_eq!(leftovers, 1, "no temporary file stays behind");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = fs::metadata(&path).map_or(0, |m| m.permissions().mode());
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn an_older_snapshot_never_overwrites_a_newer_one() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("sandbox.json");
        let (file, _) = DataFile::open(&path).unwrap_or_else(|e| panic!("{e}"));
        let mut store = seeded();
        let old = DataFile::snapshot(&store);
        store.remove(seed::ADMIN_KEY);
        let new = DataFile::snapshot(&store);
        file.save(&new).unwrap_or_else(|e| panic!("{e}"));
        file.save(&old).unwrap_or_else(|e| panic!("{e}"));
        let (_, read) = DataFile::open(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(read.unwrap_or_default().get(seed::ADMIN_KEY).is_none());
    }

    #[test]
    fn damaged_files_are_named_not_replaced() {
        let cases: [(&str, &str); 7] = [
            ("", "empty"),
            ("{\"tokens\": [", "ends too early"),
            (r#"{"format":1}"#, "not valid sandbox JSON"),
            (r#"{"format":"other","version":1,"tokens":[]}"#, "format"),
            (
                r#"{"format":"netlicensing-keys-sandbox","version":9,"tokens":[]}"#,
                "version 9",
            ),
            (
                r#"{"format":"netlicensing-keys-sandbox","version":1,"tokens":[{"number":"../x","tokenType":"SHOP","active":true,"vendorNumber":"VDEMO"}]}"#,
                "invalid number",
            ),
            (
                r#"{"format":"netlicensing-keys-sandbox","version":1,"tokens":[{"number":"a1","tokenType":"APIKEY","active":true,"vendorNumber":"VDEMO"}]}"#,
                "no apiKeyRole",
            ),
        ];
        for (content, expected) in cases {
            let error = parse(content.as_bytes()).err().unwrap_or_default();
            assert!(error.contains(expected), "{content:?} gave {error:?}");
        }
    }
}
