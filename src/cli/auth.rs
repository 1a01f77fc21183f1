//! `auth test`, `auth show`, `auth login` and `auth logout`.

use std::io::{IsTerminal, Read};

use zeroize::Zeroizing;

use super::args::{GlobalArgs, LoginArgs, LoginMethod};
use super::failure::Failure;
use super::output;
use super::session::{
    Session, keychain_failure, load_settings, resolve_failure, warn_ignored_for_sandbox,
};
use crate::api::{ApiError, AuthMethod, Client, Credentials, DEFAULT_BASE_URL, Retry, Secret};
use crate::credentials::{
    FIRST_PROFILE_NAME, KeyringStore, ResolveError, SecretSlot, SecretStore, Settings,
    SettingsFile, StoreError, delete_secrets, is_sandbox, resolve,
};

/// Checks the credentials and says which method, against which base URL, and what they may do.
pub fn test(session: &Session) -> Result<(), Failure> {
    let access = session
        .client
        .probe_access()?
        .with_known_role(session.known_role);
    let profile = session
        .profile_name
        .as_deref()
        .map(|name| format!(", profile '{name}'"))
        .unwrap_or_default();
    let mut text = format!(
        "{} at {} (credentials from {}{profile})\n{access}\n",
        session.client.credentials().describe(),
        session.client.base_url(),
        session.source
    );
    if !access.is_enough() {
        text.push_str(
            "To manage API keys, sign in with the vendor login or use an API key with the Admin role.\n",
        );
    }
    output::print(&text)
}

/// Shows what would be used, without a network call: method, username, base URL, where the
/// secret is kept, and the secret masked.
pub fn show(global: &GlobalArgs) -> Result<(), Failure> {
    let (file, loaded) = load_settings(global)?;
    let resolved = match resolve(
        |name| std::env::var(name).ok(),
        &loaded.settings,
        global.profile.as_deref(),
        &KeyringStore,
    ) {
        Ok(resolved) => resolved,
        // The profile is still worth showing when its secret cannot be had (logged out, or no
        // keychain on this machine): that is when people look.
        Err(error @ (ResolveError::NoSecret { .. } | ResolveError::Store(_))) => {
            return show_without_secret(global, &file, &loaded.settings, &error);
        }
        Err(error) => return Err(resolve_failure(&error)),
    };
    let on_sandbox = resolved.profile_name.as_deref().is_some_and(is_sandbox);
    if on_sandbox {
        warn_ignored_for_sandbox(global);
    }
    let base_url = match (&global.base_url, on_sandbox) {
        (_, true) => "the embedded sandbox (started on demand)".to_owned(),
        (Some(url), false) => url.clone(),
        (None, false) => resolved.profile.base_url.clone(),
    };
    let mut lines = vec![
        format!(
            "profile:  {}",
            resolved.profile_name.as_deref().unwrap_or("(none)")
        ),
        format!("method:   {}", resolved.credentials.method()),
    ];
    if let Credentials::VendorLogin { username, .. } = &resolved.credentials {
        lines.push(format!("username: {username}"));
    }
    lines.extend([
        format!("base URL: {base_url}"),
        format!("secret:   {}", resolved.credentials.secret().masked()),
        format!("stored:   {}", resolved.source),
        format!("settings: {}", file.path().display()),
    ]);
    let text = lines.join("\n") + "\n";
    output::print(&text)
}

/// `auth show` for a profile whose secret is not stored or cannot be read: everything else, and
/// why there is no secret.
fn show_without_secret(
    global: &GlobalArgs,
    file: &SettingsFile,
    settings: &Settings,
    error: &ResolveError,
) -> Result<(), Failure> {
    let stored = global
        .profile
        .as_deref()
        .or_else(|| settings.default_profile_name())
        .and_then(|name| settings.stored_name(name));
    let (Some(name), Some(profile)) = (stored, stored.and_then(|name| settings.profile(name)))
    else {
        return Err(resolve_failure(error));
    };
    let mut lines = vec![
        format!("profile:  {name}"),
        format!("method:   {}", profile.method),
    ];
    if profile.method == AuthMethod::VendorLogin {
        let username = profile.username.as_deref().filter(|u| !u.trim().is_empty());
        lines.push(format!("username: {}", username.unwrap_or("(none)")));
    }
    let secret = match error {
        ResolveError::Store(StoreError::Unavailable(why)) => {
            format!("not available: no keychain is reachable ({why})")
        }
        ResolveError::Store(error) => format!("not available: {error}"),
        _ => {
            format!("not stored (log in with `netlicensing-keys --profile \"{name}\" auth login`)")
        }
    };
    lines.extend([
        format!(
            "base URL: {}",
            global.base_url.as_deref().unwrap_or(&profile.base_url)
        ),
        format!("secret:   {secret}"),
        format!("settings: {}", file.path().display()),
    ]);
    output::print(&(lines.join("\n") + "\n"))
}

/// Stores credentials for the profile: the secret in the keychain, the rest in the settings file.
/// The credentials are checked first; ones the server refuses are not stored.
pub fn login(global: &GlobalArgs, args: &LoginArgs) -> Result<(), Failure> {
    let (file, mut loaded) = load_settings(global)?;
    refuse_missing_default(global, &loaded.settings)?;
    let name = login_profile_name(global.profile.as_deref(), &loaded.settings);
    if is_sandbox(&name) {
        return Err(Failure::Usage(
            "The Sandbox profile is built in and needs no login.".to_owned(),
        ));
    }
    // An existing profile typed in another case: its secrets are filed under the stored name,
    // and a second profile differing only in case must not appear.
    let name = match loaded.settings.stored_name(&name) {
        Some(stored) => stored.to_owned(),
        None => name,
    };
    let existing = loaded.settings.profile(&name).cloned();
    let mut profile = existing.clone().unwrap_or_default();
    profile.method = login_method(args, profile.method)?;
    if let Some(url) = &global.base_url {
        profile.base_url.clone_from(url);
    } else if profile.base_url.trim().is_empty() {
        DEFAULT_BASE_URL.clone_into(&mut profile.base_url);
    }
    let from_stdin = args.password_stdin || args.api_key_stdin;
    if args.password_stdin && profile.method != AuthMethod::VendorLogin
        || args.api_key_stdin && profile.method != AuthMethod::ApiKey
    {
        return Err(Failure::Usage(
            "--password-stdin goes with --method basic, --api-key-stdin with --method apikey."
                .to_owned(),
        ));
    }
    let credentials = match profile.method {
        AuthMethod::VendorLogin => {
            let username = args
                .username
                .clone()
                .or_else(|| profile.username.clone())
                .filter(|u| !u.trim().is_empty())
                .ok_or_else(|| Failure::Usage("Give the vendor login's --username.".to_owned()))?;
            profile.username = Some(username.trim().to_owned());
            let password = read_secret("password", from_stdin)?;
            Credentials::vendor_login(username.trim(), password)
        }
        AuthMethod::ApiKey => {
            profile.username = None;
            Credentials::ApiKey(read_secret("API key", from_stdin)?)
        }
    };
    let mut config = profile.client_config();
    if let Some(seconds) = global.timeout {
        config.request_timeout = std::time::Duration::from_secs_f64(seconds);
    }
    let client = Client::new(&config, credentials.clone())?.with_retry(Retry::BRIEF);
    match client.probe_access() {
        Ok(access) => {
            profile.api_key_role = access.role.or(profile.api_key_role);
            eprintln!("Checked: {access}.");
        }
        Err(error @ ApiError::BadCredentials { .. }) => return Err(error.into()),
        Err(error) => eprintln!(
            "warning: the credentials could not be checked ({error}); storing them anyway."
        ),
    }
    let slot = SecretSlot::new(&name, profile.method);
    // Put back if the settings cannot be saved: the secret must match the profile on file.
    let previous = KeyringStore.load(&slot).ok().flatten();
    KeyringStore
        .save(&slot, credentials.secret())
        .map_err(|e| {
            Failure::Other(format!(
                "The secret was not stored. {}",
                keychain_failure(&e)
            ))
        })?;
    if existing.is_some() {
        loaded.settings.profiles.insert(name.clone(), profile);
    } else {
        loaded
            .settings
            .add_profile(&name, profile)
            .map_err(|e| Failure::Usage(e.to_string()))?;
    }
    if let Err(error) = file.save(&loaded.settings) {
        let _ = match &previous {
            Some(secret) => KeyringStore.save(&slot, secret),
            None => KeyringStore.delete(&slot),
        };
        return Err(Failure::Other(format!(
            "{error} The credentials were not stored."
        )));
    }
    eprintln!(
        "Logged in: profile '{name}', {} stored in {}.",
        credentials.describe(),
        KeyringStore.location()
    );
    Ok(())
}

/// Removes the profile's stored secrets from the keychain. The profile itself stays.
pub fn logout(global: &GlobalArgs) -> Result<(), Failure> {
    let (_, loaded) = load_settings(global)?;
    refuse_missing_default(global, &loaded.settings)?;
    let name = global
        .profile
        .clone()
        .or_else(|| loaded.settings.default_profile_name().map(str::to_owned))
        .ok_or_else(|| Failure::Usage("There is no profile to log out of.".to_owned()))?;
    if is_sandbox(&name) {
        return Err(Failure::Usage(
            "The Sandbox profile stores no secret.".to_owned(),
        ));
    }
    let name = loaded
        .settings
        .stored_name(&name)
        .ok_or_else(|| Failure::Usage(format!("There is no profile named '{name}'.")))?
        .to_owned();
    delete_secrets(&KeyringStore, &name).map_err(|e| keychain_failure(&e))?;
    eprintln!(
        "Logged out: the secrets of profile '{name}' were removed from {}.",
        KeyringStore.location()
    );
    Ok(())
}

/// The profile a login is for: --profile, else the default one, else a new one named as the
/// desktop app names its first profile ([`FIRST_PROFILE_NAME`]), so both find the same one.
fn login_profile_name(chosen: Option<&str>, settings: &Settings) -> String {
    chosen
        .or_else(|| settings.default_profile_name())
        .unwrap_or(FIRST_PROFILE_NAME)
        .to_owned()
}

/// The method a login is for: --method, else what the other options imply, else the profile's.
fn login_method(args: &LoginArgs, current: AuthMethod) -> Result<AuthMethod, Failure> {
    // A username only belongs to the vendor login, so `--username NAME` alone means it.
    let vendor_hint = args.password_stdin || args.username.is_some();
    let method = match (args.method, vendor_hint, args.api_key_stdin) {
        (Some(LoginMethod::Basic), _, _) | (None, true, false) => AuthMethod::VendorLogin,
        (Some(LoginMethod::Apikey), _, _) | (None, _, true) => AuthMethod::ApiKey,
        (None, false, false) => current,
    };
    if args.username.is_some() && method == AuthMethod::ApiKey {
        return Err(Failure::Usage(
            "--username is for the vendor login (--method basic); an API key needs none."
                .to_owned(),
        ));
    }
    Ok(method)
}

/// Without --profile, a default profile that the file names but does not hold stops the
/// command: logging in or out of another profile instead would surprise.
fn refuse_missing_default(global: &GlobalArgs, settings: &Settings) -> Result<(), Failure> {
    match (&global.profile, settings.missing_default()) {
        (None, Some(missing)) => Err(resolve_failure(&ResolveError::MissingDefault(
            missing.to_owned(),
        ))),
        _ => Ok(()),
    }
}

/// A secret from standard input (one line, or everything piped), or typed at a prompt without
/// echo. Never from an argument: that would show in the process list.
fn read_secret(what: &str, from_stdin: bool) -> Result<Secret, Failure> {
    let text = if from_stdin || !std::io::stdin().is_terminal() {
        let mut text = Zeroizing::new(String::new());
        std::io::stdin().read_to_string(&mut text).map_err(|e| {
            Failure::Other(format!(
                "Could not read the {what} from standard input: {}.",
                crate::io_reason::io_reason(&e)
            ))
        })?;
        if text.is_empty() {
            return Err(Failure::Usage(nothing_on_stdin(what, from_stdin)));
        }
        Secret::new(text.trim())
    } else {
        let typed = Zeroizing::new(
            rpassword::prompt_password(format!("{}: ", crate::words::capitalized(what))).map_err(
                |e| {
                    Failure::Other(format!(
                        "Could not read the {what}: {}.",
                        crate::io_reason::io_reason(&e)
                    ))
                },
            )?,
        );
        Secret::new(typed.trim())
    };
    if text.is_empty() {
        return Err(Failure::Usage(format!("The {what} is empty.")));
    }
    Ok(text)
}

/// Standard input gave nothing at all: usually `</dev/null` or a script with no terminal, where
/// "the password is empty" would not say what to do.
fn nothing_on_stdin(what: &str, from_stdin: bool) -> String {
    let option = if what == "password" {
        "--password-stdin"
    } else {
        "--api-key-stdin"
    };
    if from_stdin {
        format!(
            "No {what} was given on standard input: {option} reads it from there, so pipe it in."
        )
    } else {
        format!(
            "No {what} was given: standard input is not a terminal and gave nothing. Pipe the {what} in with {option}, or run the command on a terminal to type it."
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::Profile;

    #[test]
    fn the_first_login_makes_the_profile_the_app_makes() {
        let mut settings = Settings::default();
        assert_eq!(login_profile_name(None, &settings), "Default");
        assert_eq!(login_profile_name(Some("work"), &settings), "work");
        settings.add_profile("home", Profile::default()).unwrap();
        assert_eq!(login_profile_name(None, &settings), "home");
    }
}
