//! Why a file could not be read or written, in the words of the sentence it ends (`… could not
//! be read: it does not exist.`), shared by the command line, the settings file and the sandbox.

use std::io;

/// The reason, lowercase and without the `(os error N)` that only a programmer can use.
pub fn io_reason(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::NotFound => "it does not exist".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        io::ErrorKind::IsADirectory => "it is a folder, not a file".to_owned(),
        io::ErrorKind::NotADirectory => "a part of its path is a file, not a folder".to_owned(),
        io::ErrorKind::ReadOnlyFilesystem => "the file system is read-only".to_owned(),
        io::ErrorKind::StorageFull => "the disk is full".to_owned(),
        io::ErrorKind::InvalidData => "it is not UTF-8 text".to_owned(),
        io::ErrorKind::BrokenPipe => "the program reading it has gone away".to_owned(),
        _ => plain(&error.to_string()),
    }
}

/// "Too many open files (os error 24)" becomes "Too many open files": the number helps no one
/// who reads the sentence.
pub fn without_os_error(text: &str) -> &str {
    match text.rfind(" (os error ") {
        Some(at) if text.ends_with(')') => &text[..at],
        _ => text,
    }
}

/// "Too many open files (os error 24)" becomes "too many open files".
fn plain(text: &str) -> String {
    let text = without_os_error(text);
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        // "Is a directory" reads as part of a sentence; "TLS …" keeps its capitals.
        (Some(first), Some(second)) if first.is_uppercase() && second.is_lowercase() => first
            .to_lowercase()
            .chain(text[first.len_utf8()..].chars())
            .collect(),
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_kinds_are_plain_words() {
        let from_os = |code| io_reason(&io::Error::from_raw_os_error(code));
        assert_eq!(from_os(2), "it does not exist");
        assert_eq!(from_os(13), "permission denied");
        assert_eq!(from_os(21), "it is a folder, not a file");
        assert_eq!(from_os(20), "a part of its path is a file, not a folder");
        assert_eq!(from_os(30), "the file system is read-only");
        assert_eq!(from_os(24), "too many open files");
        assert_eq!(from_os(32), "the program reading it has gone away");
        assert_eq!(
            io_reason(&io::Error::other("TLS went wrong")),
            "TLS went wrong"
        );
    }

    #[test]
    fn no_reason_has_an_os_error_number() {
        for code in 1..134 {
            let reason = io_reason(&io::Error::from_raw_os_error(code));
            assert!(!reason.contains("os error"), "{code}: {reason}");
            assert!(!reason.is_empty(), "{code}");
        }
    }
}
