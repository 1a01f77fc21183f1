//! The saved settings: named profiles and which one is the default. Nothing secret.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::profile::{Profile, SANDBOX_PROFILE, is_sandbox};

/// Longest profile name, in characters: names show in lists and title bars and become part of
/// the keychain entry's name.
pub const MAX_PROFILE_NAME_CHARS: usize = 64;

/// Everything the settings file holds. There is deliberately no field for a secret: passwords
/// and API keys live only in the keychain.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_profile: Option<String>,
    pub profiles: BTreeMap<String, Profile>,
}

/// Why a profile name or change was refused. `Display` is the sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    #[error("A profile needs a name.")]
    EmptyName,
    #[error("A profile name cannot start or end with spaces.")]
    UntrimmedName,
    #[error("A profile name cannot contain control characters such as tabs or line breaks.")]
    ControlCharacter,
    #[error("A profile name can be at most {MAX_PROFILE_NAME_CHARS} characters long.")]
    TooLong,
    #[error(
        "The name '{SANDBOX_PROFILE}' belongs to the built-in sandbox profile; choose another name."
    )]
    Reserved,
    #[error("There is already a profile named '{0}'.")]
    Duplicate(String),
    #[error("There is no profile named '{0}'.")]
    Unknown(String),
}

/// Checks a new profile name on its own (uniqueness is checked by [`Settings`]).
pub fn validate_profile_name(name: &str) -> Result<(), ProfileError> {
    if name.is_empty() {
        return Err(ProfileError::EmptyName);
    }
    if name.trim() != name {
        return Err(ProfileError::UntrimmedName);
    }
    if name.chars().any(char::is_control) {
        return Err(ProfileError::ControlCharacter);
    }
    if name.chars().count() > MAX_PROFILE_NAME_CHARS {
        return Err(ProfileError::TooLong);
    }
    if is_sandbox(name) {
        return Err(ProfileError::Reserved);
    }
    Ok(())
}

impl Settings {
    /// The stored profile of that name. Names match exactly, or else ignoring case (names are
    /// unique ignoring case). The built-in Sandbox is not stored: see [`Profile::sandbox`].
    pub fn profile(&self, name: &str) -> Option<&Profile> {
        self.stored_name(name)
            .and_then(|name| self.profiles.get(name))
    }

    /// The name as stored, for a name typed in any case. Secrets are filed under this one.
    pub fn stored_name(&self, name: &str) -> Option<&str> {
        if let Some((stored, _)) = self.profiles.get_key_value(name) {
            return Some(stored);
        }
        self.profiles
            .keys()
            .find(|stored| same_name(stored, name))
            .map(String::as_str)
    }

    /// Stored profile names, sorted.
    pub fn profile_names(&self) -> impl Iterator<Item = &str> {
        self.profiles.keys().map(String::as_str)
    }

    /// The default profile if it still exists (the Sandbox counts), else the first stored
    /// profile, else none.
    pub fn default_profile_name(&self) -> Option<&str> {
        let chosen = self.default_profile.as_deref().and_then(|name| {
            if is_sandbox(name) {
                Some(SANDBOX_PROFILE)
            } else {
                self.stored_name(name)
            }
        });
        chosen.or_else(|| self.profile_names().next())
    }

    /// The default profile's name when the file names one that is not there (a hand edit, or a
    /// profile removed by an older version): [`Self::default_profile_name`] passes over it, but
    /// a command should say so rather than use another account.
    pub fn missing_default(&self) -> Option<&str> {
        self.default_profile
            .as_deref()
            .filter(|name| !is_sandbox(name) && self.stored_name(name).is_none())
    }

    /// Adds a profile. The first one becomes the default.
    pub fn add_profile(&mut self, name: &str, profile: Profile) -> Result<(), ProfileError> {
        validate_profile_name(name)?;
        if let Some(existing) = self.stored_name(name) {
            return Err(ProfileError::Duplicate(existing.to_owned()));
        }
        self.profiles.insert(name.to_owned(), profile);
        if self.profiles.len() == 1 {
            self.default_profile = Some(name.to_owned());
        }
        Ok(())
    }

    /// Renames a profile; the default follows it. The keychain entries do not move by themselves:
    /// see [`super::store::move_secrets`].
    pub fn rename_profile(&mut self, from: &str, to: &str) -> Result<(), ProfileError> {
        let from = self
            .stored_name(from)
            .ok_or_else(|| ProfileError::Unknown(from.to_owned()))?
            .to_owned();
        validate_profile_name(to)?;
        // Only a change of case may reuse the name it already has.
        if let Some(existing) = self.stored_name(to).filter(|existing| *existing != from) {
            return Err(ProfileError::Duplicate(existing.to_owned()));
        }
        let was_default = self.default_profile_name() == Some(from.as_str());
        if let Some(profile) = self.profiles.remove(&from) {
            self.profiles.insert(to.to_owned(), profile);
        }
        if was_default {
            self.default_profile = Some(to.to_owned());
        }
        Ok(())
    }

    /// Removes a profile and returns it; if it was the default, the first remaining profile
    /// becomes the default. Its keychain entries are the caller's to delete
    /// ([`super::store::delete_secrets`]).
    pub fn remove_profile(&mut self, name: &str) -> Result<Profile, ProfileError> {
        if is_sandbox(name) {
            return Err(ProfileError::Reserved);
        }
        let stored = self
            .stored_name(name)
            .ok_or_else(|| ProfileError::Unknown(name.to_owned()))?
            .to_owned();
        let was_default = self.default_profile_name() == Some(stored.as_str());
        let removed = self
            .profiles
            .remove(&stored)
            .ok_or(ProfileError::Unknown(stored))?;
        if was_default {
            self.default_profile = self.profiles.keys().next().cloned();
        }
        Ok(removed)
    }

    /// Makes a profile the default. The built-in Sandbox may be the default too.
    pub fn set_default(&mut self, name: &str) -> Result<(), ProfileError> {
        let stored = if is_sandbox(name) {
            SANDBOX_PROFILE
        } else {
            self.stored_name(name)
                .ok_or_else(|| ProfileError::Unknown(name.to_owned()))?
        };
        self.default_profile = Some(stored.to_owned());
        Ok(())
    }
}

/// Profile names are unique ignoring case because some keychains are: the Windows Credential
/// Manager would file "Work" and "work" under one entry.
fn same_name(a: &str, b: &str) -> bool {
    a == b || a.to_lowercase() == b.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(names: &[&str]) -> Settings {
        let mut settings = Settings::default();
        for name in names {
            settings.add_profile(name, Profile::default()).unwrap();
        }
        settings
    }

    #[test]
    fn names_are_validated() {
        let mut settings = Settings::default();
        let add =
            |settings: &mut Settings, name: &str| settings.add_profile(name, Profile::default());
        assert_eq!(add(&mut settings, ""), Err(ProfileError::EmptyName));
        assert_eq!(
            add(&mut settings, " work"),
            Err(ProfileError::UntrimmedName)
        );
        assert_eq!(
            add(&mut settings, "work\n"),
            Err(ProfileError::UntrimmedName)
        );
        assert_eq!(
            add(&mut settings, "wo\trk"),
            Err(ProfileError::ControlCharacter)
        );
        assert_eq!(
            add(&mut settings, "wo\u{7f}rk"),
            Err(ProfileError::ControlCharacter)
        );
        assert_eq!(
            add(&mut settings, &"x".repeat(65)),
            Err(ProfileError::TooLong)
        );
        assert_eq!(add(&mut settings, &"é".repeat(64)), Ok(()));
        assert_eq!(add(&mut settings, "Work / staging"), Ok(()));
        assert_eq!(add(&mut settings, "Kunde Müller"), Ok(()));
    }

    #[test]
    fn sandbox_name_is_reserved_in_any_case() {
        let mut settings = with(&["work"]);
        for name in ["Sandbox", "sandbox", "SANDBOX", "sAnDbOx"] {
            assert_eq!(
                settings.add_profile(name, Profile::default()),
                Err(ProfileError::Reserved)
            );
            assert_eq!(
                settings.rename_profile("work", name),
                Err(ProfileError::Reserved)
            );
            assert_eq!(settings.remove_profile(name), Err(ProfileError::Reserved));
        }
        assert_eq!(settings.profile_names().collect::<Vec<_>>(), ["work"]);
    }

    #[test]
    fn names_are_unique_ignoring_case() {
        let mut settings = with(&["Work"]);
        assert_eq!(
            settings.add_profile("work", Profile::default()),
            Err(ProfileError::Duplicate("Work".to_owned()))
        );
        assert!(settings.profile("WORK").is_some());
        assert_eq!(settings.stored_name("wOrK"), Some("Work"));
    }

    #[test]
    fn first_profile_becomes_default_and_later_ones_do_not() {
        let mut settings = Settings::default();
        assert_eq!(settings.default_profile_name(), None);
        settings.add_profile("b", Profile::default()).unwrap();
        settings.add_profile("a", Profile::default()).unwrap();
        assert_eq!(settings.default_profile.as_deref(), Some("b"));
        assert_eq!(settings.default_profile_name(), Some("b"));
    }

    #[test]
    fn default_falls_back_to_the_first_profile_when_it_is_gone() {
        let mut settings = with(&["b", "a"]);
        settings.default_profile = Some("deleted by hand".to_owned());
        assert_eq!(settings.default_profile_name(), Some("a"));
        settings.default_profile = None;
        assert_eq!(settings.default_profile_name(), Some("a"));
    }

    #[test]
    fn set_default_needs_an_existing_profile_or_the_sandbox() {
        let mut settings = with(&["work", "home"]);
        settings.set_default("HOME").unwrap();
        assert_eq!(settings.default_profile.as_deref(), Some("home"));
        assert_eq!(
            settings.set_default("nope"),
            Err(ProfileError::Unknown("nope".to_owned()))
        );
        assert_eq!(settings.default_profile_name(), Some("home"));
        settings.set_default("sandbox").unwrap();
        assert_eq!(settings.default_profile_name(), Some(SANDBOX_PROFILE));
    }

    #[test]
    fn rename_keeps_the_default_and_the_profile() {
        let mut settings = with(&["work", "home"]);
        let custom = Profile {
            username: Some("me".to_owned()),
            ..Profile::default()
        };
        settings.profiles.insert("work".to_owned(), custom.clone());
        settings.rename_profile("work", "office").unwrap();
        assert_eq!(settings.default_profile_name(), Some("office"));
        assert_eq!(settings.profile("office"), Some(&custom));
        assert!(settings.profile("work").is_none());

        settings.rename_profile("home", "Home").unwrap();
        assert_eq!(
            settings.profile_names().collect::<Vec<_>>(),
            ["Home", "office"]
        );
        assert_eq!(settings.default_profile_name(), Some("office"));
    }

    #[test]
    fn rename_refuses_unknown_duplicate_and_invalid_names() {
        let mut settings = with(&["work", "home"]);
        assert_eq!(
            settings.rename_profile("nope", "x"),
            Err(ProfileError::Unknown("nope".to_owned()))
        );
        assert_eq!(
            settings.rename_profile("work", "HOME"),
            Err(ProfileError::Duplicate("home".to_owned()))
        );
        assert_eq!(
            settings.rename_profile("work", ""),
            Err(ProfileError::EmptyName)
        );
        assert_eq!(
            settings.profile_names().collect::<Vec<_>>(),
            ["home", "work"]
        );
    }

    #[test]
    fn remove_fixes_the_default() {
        let mut settings = with(&["work", "home", "alpha"]);
        assert_eq!(settings.remove_profile("WORK"), Ok(Profile::default()));
        assert_eq!(settings.default_profile.as_deref(), Some("alpha"));
        settings.remove_profile("home").unwrap();
        assert_eq!(settings.default_profile.as_deref(), Some("alpha"));
        settings.remove_profile("alpha").unwrap();
        assert_eq!(settings.default_profile, None);
        assert_eq!(settings.default_profile_name(), None);
        assert_eq!(
            settings.remove_profile("alpha"),
            Err(ProfileError::Unknown("alpha".to_owned()))
        );
    }

    #[test]
    fn errors_are_sentences() {
        for error in [
            ProfileError::EmptyName,
            ProfileError::Reserved,
            ProfileError::Duplicate("x".to_owned()),
            ProfileError::TooLong,
        ] {
            let text = error.to_string();
            assert!(text.ends_with('.'), "{text}");
            assert!(
                text.chars().next().is_some_and(char::is_uppercase),
                "{text}"
            );
        }
    }
}
