//! Small helpers for the sentences shown to people, shared by the app and the command line.

/// The text with its first letter in capitals: "password" → "Password"; "API key" stays.
pub fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_the_first_letter_changes() {
        assert_eq!(
            super::capitalized("vendor login: full access"),
            "Vendor login: full access"
        );
        assert_eq!(super::capitalized("API key"), "API key");
        assert_eq!(super::capitalized(""), "");
    }
}
