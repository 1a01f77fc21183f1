//! `profile list|add|remove|use|rename`.

use super::args::{GlobalArgs, ProfileAddArgs, ProfileCommand};
use super::failure::Failure;
use super::output;
use super::session::load_settings;
use crate::api::{AuthMethod, Secret};
use crate::credentials::{
    KeyringStore, NetworkSettings, Profile, ResolveError, SANDBOX_PROFILE, SecretSlot, SecretStore,
    Settings, StoreError, delete_secrets, is_sandbox,
};

pub fn run(global: &GlobalArgs, command: &ProfileCommand) -> Result<(), Failure> {
    let (file, mut loaded) = load_settings(global)?;
    let settings = &mut loaded.settings;
    let usage = |e: crate::credentials::ProfileError| Failure::Usage(e.to_string());
    let done = match command {
        ProfileCommand::List => {
            if let Some(missing) = settings.missing_default() {
                let sentence = ResolveError::MissingDefault(missing.to_owned()).to_string();
                eprintln!("warning: {sentence}");
            }
            return output::print(&profile_table(settings));
        }
        ProfileCommand::Add(args) => {
            if let Some(proxy) = &args.https_proxy {
                crate::api::validate_proxy(proxy)
                    .map_err(|reason| Failure::Usage(format!("--https-proxy: {reason}.")))?;
            }
            let (profile, url_from) = new_profile(global, args);
            // Checked as every client checks it, so that a profile never stores a URL that
            // every later command would refuse (or, for plain http, send secrets to).
            crate::api::client::parse_base_url(&profile.base_url)
                .map_err(|e| Failure::Usage(e.to_string()))?;
            let url = profile.base_url.clone();
            settings.add_profile(&args.name, profile).map_err(usage)?;
            format!(
                "Added profile '{}' with the base URL {url}{url_from}. Store its credentials with `netlicensing-keys --profile \"{}\" auth login`.",
                args.name, args.name
            )
        }
        ProfileCommand::Remove { name } if is_sandbox(name) => {
            return Err(read_only("removed"));
        }
        ProfileCommand::Rename { from, .. } if is_sandbox(from) => {
            return Err(read_only("renamed"));
        }
        ProfileCommand::Remove { name } => {
            let stored = settings
                .stored_name(name)
                .map(str::to_owned)
                .ok_or_else(|| Failure::Usage(format!("There is no profile named '{name}'.")))?;
            settings.remove_profile(&stored).map_err(usage)?;
            // Held in memory until the settings are saved, to be put back if they cannot be:
            // a profile whose secrets are gone would need a new login.
            let kept = stored_secrets(&KeyringStore, &stored);
            let removed = without_keychain(delete_secrets(&KeyringStore, &stored), &stored)?;
            if let Err(error) = file.save(&loaded.settings) {
                for (slot, secret) in &kept {
                    let _ = KeyringStore.save(slot, secret);
                }
                return Err(Failure::Other(error.to_string()));
            }
            if removed {
                eprintln!("Removed profile '{stored}' and its stored secrets.");
            } else {
                eprintln!("Removed profile '{stored}'.");
            }
            return Ok(());
        }
        ProfileCommand::Use { name } => {
            settings.set_default(name).map_err(usage)?;
            let name = settings.default_profile_name().unwrap_or(name);
            format!("'{name}' is now the default profile.")
        }
        ProfileCommand::Rename { from, to } => {
            // Secrets are filed under the name as stored, whatever case was typed.
            let stored = settings
                .stored_name(from)
                .map(str::to_owned)
                .ok_or_else(|| Failure::Usage(format!("There is no profile named '{from}'.")))?;
            settings.rename_profile(&stored, to).map_err(usage)?;
            let moved = without_keychain(
                crate::credentials::move_secrets(&KeyringStore, &stored, to),
                &stored,
            )?;
            if let Err(error) = file.save(&loaded.settings) {
                // The secrets follow the name the settings file still holds.
                if moved {
                    let _ = crate::credentials::move_secrets(&KeyringStore, to, &stored);
                }
                return Err(Failure::Other(error.to_string()));
            }
            eprintln!("Renamed profile '{stored}' to '{to}'.");
            return Ok(());
        }
    };
    // Success is said only once it is true: a settings file that cannot be written leaves the
    // profiles as they were.
    file.save(&loaded.settings)
        .map_err(|e| Failure::Other(e.to_string()))?;
    eprintln!("{done}");
    Ok(())
}

/// The secrets stored for a profile; any that cannot be read are left out.
fn stored_secrets(store: &dyn SecretStore, profile: &str) -> Vec<(SecretSlot, Secret)> {
    [AuthMethod::VendorLogin, AuthMethod::ApiKey]
        .into_iter()
        .map(|method| SecretSlot::new(profile, method))
        .filter_map(|slot| match store.load(&slot) {
            Ok(Some(secret)) => Some((slot, secret)),
            _ => None,
        })
        .collect()
}

/// Whether the keychain did its part. Without any keychain (a headless machine) the settings
/// change goes ahead with a warning; a locked or failing keychain stops the command before the
/// settings are saved.
fn without_keychain(outcome: Result<(), StoreError>, profile: &str) -> Result<bool, Failure> {
    match outcome {
        Ok(()) => Ok(true),
        Err(StoreError::Unavailable(why)) => {
            eprintln!(
                "warning: no keychain is available: {why}. Any secrets of profile '{profile}' in a keychain were left as they are."
            );
            Ok(false)
        }
        Err(error) => Err(Failure::Other(format!(
            "{error} The profile '{profile}' was left as it was."
        ))),
    }
}

fn read_only(what: &str) -> Failure {
    Failure::Usage(format!(
        "The {SANDBOX_PROFILE} profile is built in and read-only: it cannot be {what}."
    ))
}

/// The profiles, one a line, in aligned columns: default mark, name, method, base URL.
fn profile_table(settings: &Settings) -> String {
    let default = settings.default_profile_name();
    let marked = |name: &str| {
        let mark = if default == Some(name) { '*' } else { ' ' };
        format!("{mark} {name}")
    };
    let mut rows: Vec<[String; 3]> = settings
        .profile_names()
        .map(|name| {
            let profile = settings.profile(name).cloned().unwrap_or_default();
            [marked(name), profile.method.to_string(), profile.base_url]
        })
        .collect();
    rows.push([
        marked(SANDBOX_PROFILE),
        "built in".to_owned(),
        "the embedded sandbox with the demo account".to_owned(),
    ]);
    output::aligned(&rows)
}

/// The new profile, and where its base URL came from (for the sentence that names it).
fn new_profile(global: &GlobalArgs, args: &ProfileAddArgs) -> (Profile, &'static str) {
    let defaults = NetworkSettings::default();
    let mut profile = Profile::default();
    let url_from = if let Some(url) = &args.url {
        profile.base_url.clone_from(url);
        ""
    } else if let Some(url) = &global.base_url {
        profile.base_url.clone_from(url);
        if std::env::var(super::args::BASE_URL_ENV).ok().as_ref() == Some(url) {
            " (from NETLICENSING_BASE_URL; give --url to choose another)"
        } else {
            " (from --base-url)"
        }
    } else {
        " (the live service; give --url to choose another)"
    };
    profile.network = NetworkSettings {
        connect_timeout_secs: args
            .connect_timeout
            .unwrap_or(defaults.connect_timeout_secs),
        request_timeout_secs: args
            .request_timeout
            .unwrap_or(defaults.request_timeout_secs),
        https_proxy: args.https_proxy.clone(),
        extra_ca_file: args.ca_file.clone(),
    };
    (profile, url_from)
}
