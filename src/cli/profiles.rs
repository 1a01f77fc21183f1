//! `profile list|add|remove|use|rename`.

use super::args::{GlobalArgs, ProfileAddArgs, ProfileCommand};
use super::failure::Failure;
use super::output;
use super::session::load_settings;
use crate::credentials::{
    KeyringStore, NetworkSettings, Profile, SANDBOX_PROFILE, StoreError, delete_secrets,
};

pub fn run(global: &GlobalArgs, command: &ProfileCommand) -> Result<(), Failure> {
    let (file, mut loaded) = load_settings(global)?;
    let settings = &mut loaded.settings;
    let usage = |e: crate::credentials::ProfileError| Failure::Usage(e.to_string());
    match command {
        ProfileCommand::List => {
            let default = settings.default_profile_name().map(str::to_owned);
            let mark = |name: &str| {
                if default.as_deref() == Some(name) {
                    "*"
                } else {
                    " "
                }
            };
            let mut lines: Vec<String> = settings
                .profile_names()
                .map(|name| {
                    let profile = settings.profile(name).cloned().unwrap_or_default();
                    format!(
                        "{} {name}  {}  {}",
                        mark(name),
                        profile.method,
                        profile.base_url
                    )
                })
                .collect();
            lines.push(format!(
                "{} {SANDBOX_PROFILE}  built in: the embedded sandbox with the demo account",
                mark(SANDBOX_PROFILE)
            ));
            let text = lines.join("\n") + "\n";
            return output::print(&text);
        }
        ProfileCommand::Add(args) => {
            settings
                .add_profile(&args.name, new_profile(global, args))
                .map_err(usage)?;
            eprintln!(
                "Added profile '{}'. Store its credentials with `netlicensing-keys --profile \"{}\" auth login`.",
                args.name, args.name
            );
        }
        ProfileCommand::Remove { name } => {
            let stored = settings
                .stored_name(name)
                .map(str::to_owned)
                .ok_or_else(|| Failure::Usage(format!("There is no profile named '{name}'.")))?;
            settings.remove_profile(&stored).map_err(usage)?;
            let removed = without_keychain(delete_secrets(&KeyringStore, &stored), &stored)?;
            if removed {
                eprintln!("Removed profile '{stored}' and its stored secrets.");
            } else {
                eprintln!("Removed profile '{stored}'.");
            }
        }
        ProfileCommand::Use { name } => {
            settings.set_default(name).map_err(usage)?;
            let name = settings.default_profile_name().unwrap_or(name);
            eprintln!("'{name}' is now the default profile.");
        }
        ProfileCommand::Rename { from, to } => {
            // Secrets are filed under the name as stored, whatever case was typed.
            let stored = settings
                .stored_name(from)
                .map(str::to_owned)
                .ok_or_else(|| Failure::Usage(format!("There is no profile named '{from}'.")))?;
            settings.rename_profile(&stored, to).map_err(usage)?;
            without_keychain(
                crate::credentials::move_secrets(&KeyringStore, &stored, to),
                &stored,
            )?;
            eprintln!("Renamed profile '{stored}' to '{to}'.");
        }
    }
    file.save(&loaded.settings)
        .map_err(|e| Failure::Other(e.to_string()))
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

fn new_profile(global: &GlobalArgs, args: &ProfileAddArgs) -> Profile {
    let defaults = NetworkSettings::default();
    let mut profile = Profile::default();
    if let Some(url) = args.url.as_ref().or(global.base_url.as_ref()) {
        profile.base_url.clone_from(url);
    }
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
    profile
}
