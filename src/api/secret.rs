//! A string that must never be shown: passwords and API keys.

use std::fmt;

use zeroize::Zeroizing;

/// A secret value (a password or an API key).
///
/// `Debug` and `Display` never show it, and its memory is wiped when it is dropped.
/// The only way to read it is [`Secret::expose`], which makes every use easy to find.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(Zeroizing<Box<str>>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        // A boxed str: no spare capacity, and 8 bytes less per key in a list of 100,000.
        Self(Zeroizing::new(value.into().into_boxed_str()))
    }

    /// The secret itself. Call this only where the value must leave the program
    /// (an HTTP header, the keychain, the clipboard, an explicit `--reveal`).
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// First 3 and last 4 characters with an ellipsis between, as the key table shows it.
    /// Short values are hidden entirely so that the mask never gives most of a secret away.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

/// Masks a value as `abc…wxyz`; values shorter than 12 characters become `••••`.
pub fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() < 12 {
        return "••••".to_owned();
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_value() {
        let secret = Secret::new("hunter2-very-secret");
        assert!(!format!("{secret:?}").contains("hunter2"));
        assert!(!format!("{secret}").contains("hunter2"));
        assert!(!format!("{:?}", Some(secret.clone())).contains("hunter2"));
        assert_eq!(secret.expose(), "hunter2-very-secret");
    }

    #[test]
    fn mask_keeps_first_three_and_last_four() {
        assert_eq!(mask("5b0f3d2e-8c41-4e6a-9f57-2d7c1a9e4b10"), "5b0…4b10");
        assert_eq!(mask("short"), "••••");
        assert_eq!(mask(""), "••••");
    }
}
