//! Which credentials a command uses. The first source found wins: the environment, then the
//! chosen (or default) profile with its secret from the keychain; the built-in Sandbox needs none.

use std::fmt;

use crate::api::{AuthMethod, Credentials, Secret};

use super::profile::{Profile, SANDBOX_PASSWORD, SANDBOX_PROFILE, SANDBOX_USERNAME, is_sandbox};
use super::settings::Settings;
use super::store::{SecretSlot, SecretStore, StoreError};

pub const API_KEY_ENV: &str = "NETLICENSING_API_KEY";
pub const USERNAME_ENV: &str = "NETLICENSING_USERNAME";
pub const PASSWORD_ENV: &str = "NETLICENSING_PASSWORD";

/// Where the credentials came from, so that people can tell which account they are using.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CredentialSource {
    Environment,
    Keychain { location: String },
    Sandbox,
}

impl fmt::Display for CredentialSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialSource::Environment => f.write_str("the environment"),
            CredentialSource::Keychain { location } => f.write_str(location),
            CredentialSource::Sandbox => f.write_str("the built-in sandbox"),
        }
    }
}

/// The credentials to use, where they came from, and the profile that supplies the server and
/// network settings.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub credentials: Credentials,
    pub source: CredentialSource,
    /// The profile as stored (its exact name), or `None` for the environment without a profile.
    pub profile_name: Option<String>,
    pub profile: Profile,
}

/// Why no credentials could be found. `Display` is the sentence for people.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    #[error(
        "No credentials yet. Log in with `netlicensing-keys auth login`, or set {API_KEY_ENV} (or {USERNAME_ENV} and {PASSWORD_ENV}), or try the built-in sandbox with --profile {SANDBOX_PROFILE}."
    )]
    NoCredentials,

    #[error("There is no profile named '{0}'.")]
    UnknownProfile(String),

    /// The settings file's `default_profile` names a profile it does not hold.
    #[error(
        "The settings file names '{0}' as the default profile, but there is no profile of that name. Choose one with `netlicensing-keys profile use NAME` (`profile list` shows them), or give --profile NAME."
    )]
    MissingDefault(String),

    #[error(
        "No {} is saved for profile '{profile}'. Log in again with `netlicensing-keys auth login --profile \"{profile}\"`.",
        secret_name(*method)
    )]
    NoSecret { profile: String, method: AuthMethod },

    /// The variable that is missing from the pair.
    #[error("{0} is not set: {USERNAME_ENV} and {PASSWORD_ENV} only work together.")]
    IncompleteEnvironment(&'static str),

    #[error(transparent)]
    Store(#[from] StoreError),
}

fn secret_name(method: AuthMethod) -> &'static str {
    match method {
        AuthMethod::VendorLogin => "vendor login",
        AuthMethod::ApiKey => "API key",
    }
}

/// Credentials from `NETLICENSING_API_KEY`, or from `NETLICENSING_USERNAME` with
/// `NETLICENSING_PASSWORD`. The API key wins when both kinds are set. Empty (or blank) values
/// count as unset, because `VAR= command` is how people unset a variable for one command.
pub fn credentials_from_env(
    get: impl Fn(&str) -> Option<String>,
) -> Result<Option<Credentials>, ResolveError> {
    let get = |name: &str| get(name).filter(|value| !value.trim().is_empty());
    if let Some(key) = get(API_KEY_ENV) {
        return Ok(Some(Credentials::api_key(Secret::new(key))));
    }
    match (get(USERNAME_ENV), get(PASSWORD_ENV)) {
        (Some(username), Some(password)) => Ok(Some(Credentials::vendor_login(
            username,
            Secret::new(password),
        ))),
        (Some(_), None) => Err(ResolveError::IncompleteEnvironment(PASSWORD_ENV)),
        (None, Some(_)) => Err(ResolveError::IncompleteEnvironment(USERNAME_ENV)),
        (None, None) => Ok(None),
    }
}

/// The credential variables that are set (not blank) in the environment: the Sandbox profile
/// ignores them ([`resolve`]), and says so.
pub fn ignored_by_sandbox(get_env: impl Fn(&str) -> Option<String>) -> Vec<&'static str> {
    [API_KEY_ENV, USERNAME_ENV, PASSWORD_ENV]
        .into_iter()
        .filter(|name| get_env(name).is_some_and(|value| !value.trim().is_empty()))
        .collect()
}

/// The credentials a command uses.
///
/// 0. The Sandbox profile (named, or the default one) always gives demo/demo for the built-in
///    sandbox, without touching the store: credentials from the environment are ignored, so that
///    they never go to the sandbox, nor demo/demo anywhere else ([`ignored_by_sandbox`] tells
///    which variables were set, for a warning).
/// 1. The environment ([`credentials_from_env`]). The profile (named, else the default one, else
///    built-in defaults) then only supplies the base URL and network settings.
/// 2. The named profile, or else the default one: a vendor login takes its username from the
///    profile and its password from the store; an API key comes from the store.
pub fn resolve(
    get_env: impl Fn(&str) -> Option<String>,
    settings: &Settings,
    profile_name: Option<&str>,
    store: &dyn SecretStore,
) -> Result<Resolved, ResolveError> {
    if let (None, Some(missing)) = (profile_name, settings.missing_default()) {
        return Err(ResolveError::MissingDefault(missing.to_owned()));
    }
    let chosen = profile_name.or_else(|| settings.default_profile_name());
    if chosen.is_some_and(is_sandbox) {
        return Ok(Resolved {
            credentials: Credentials::vendor_login(SANDBOX_USERNAME, SANDBOX_PASSWORD),
            source: CredentialSource::Sandbox,
            profile_name: Some(SANDBOX_PROFILE.to_owned()),
            profile: Profile::sandbox(),
        });
    }
    if let Some(credentials) = credentials_from_env(get_env)? {
        let (profile_name, profile) = match profile_name.or_else(|| settings.default_profile_name())
        {
            Some(name) => {
                let (name, profile) = find_profile(settings, name)?;
                (Some(name), profile)
            }
            None => (None, Profile::default()),
        };
        return Ok(Resolved {
            credentials,
            source: CredentialSource::Environment,
            profile_name,
            profile,
        });
    }

    let name = profile_name
        .or_else(|| settings.default_profile_name())
        .ok_or(ResolveError::NoCredentials)?;
    let (name, profile) = find_profile(settings, name)?;

    let no_secret = || ResolveError::NoSecret {
        profile: name.clone(),
        method: profile.method,
    };
    let credentials = match profile.method {
        AuthMethod::VendorLogin => {
            let username = profile
                .username
                .clone()
                .filter(|username| !username.trim().is_empty())
                .ok_or_else(no_secret)?;
            let slot = SecretSlot::new(name.as_str(), AuthMethod::VendorLogin);
            let password = store.load(&slot)?.ok_or_else(no_secret)?;
            Credentials::vendor_login(username, password)
        }
        AuthMethod::ApiKey => {
            let slot = SecretSlot::new(name.as_str(), AuthMethod::ApiKey);
            Credentials::api_key(store.load(&slot)?.ok_or_else(no_secret)?)
        }
    };
    Ok(Resolved {
        credentials,
        source: CredentialSource::Keychain {
            location: store.location(),
        },
        profile_name: Some(name),
        profile,
    })
}

/// A profile by name, the Sandbox included; the name comes back as stored.
fn find_profile(settings: &Settings, name: &str) -> Result<(String, Profile), ResolveError> {
    if is_sandbox(name) {
        return Ok((SANDBOX_PROFILE.to_owned(), Profile::sandbox()));
    }
    let stored = settings
        .stored_name(name)
        .ok_or_else(|| ResolveError::UnknownProfile(name.to_owned()))?;
    let profile = settings
        .profiles
        .get(stored)
        .cloned()
        .ok_or_else(|| ResolveError::UnknownProfile(name.to_owned()))?;
    Ok((stored.to_owned(), profile))
}

#[cfg(test)]
mod tests;
