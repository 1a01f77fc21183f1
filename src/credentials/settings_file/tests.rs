use std::collections::BTreeSet;

use super::*;
use crate::api::{AuthMethod, Role};
use crate::credentials::profile::{NetworkSettings, Profile};

fn full_settings() -> Settings {
    let mut settings = Settings::default();
    settings
        .add_profile(
            "work",
            Profile {
                base_url: "https://go.netlicensing.io/core/v2/rest".to_owned(),
                method: AuthMethod::VendorLogin,
                username: Some("vendor-user".to_owned()),
                api_key_role: Some(Role::Admin),
                network: NetworkSettings {
                    connect_timeout_secs: 5,
                    request_timeout_secs: 45,
                    https_proxy: Some("http://proxy.example:3128".to_owned()),
                    extra_ca_file: Some(PathBuf::from("/etc/ssl/corp.pem")),
                },
            },
        )
        .unwrap();
    settings
        .add_profile(
            "Kunde Müller",
            Profile {
                api_key_role: Some(Role::Licensee),
                ..Profile::default()
            },
        )
        .unwrap();
    settings
}

fn files_in(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn round_trip_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let file = SettingsFile::at(dir.path().join("settings.toml"));
    let settings = full_settings();
    file.save(&settings).unwrap();
    let loaded = file.load().unwrap();
    assert_eq!(loaded.warning, None);
    assert_eq!(loaded.settings, settings);
}

#[test]
fn missing_file_gives_defaults_without_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let loaded = SettingsFile::at(dir.path().join("nope.toml"))
        .load()
        .unwrap();
    assert_eq!(loaded.settings, Settings::default());
    assert_eq!(loaded.warning, None);
    assert!(files_in(dir.path()).is_empty(), "loading created a file");
}

#[test]
fn old_partial_and_unknown_fields_still_load() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.toml");
    fs::write(
        &path,
        "theme = \"dark\"\n\n[profiles.old]\nmethod = \"vendor-login\"\nusername = \"me\"\nlast_seen = 2024-01-01\n\n[profiles.empty]\n",
    )
    .unwrap();
    let loaded = SettingsFile::at(&path).load().unwrap();
    assert_eq!(loaded.warning, None);
    let old = loaded.settings.profile("old").unwrap();
    assert_eq!(old.method, AuthMethod::VendorLogin);
    assert_eq!(old.username.as_deref(), Some("me"));
    assert_eq!(old.network, NetworkSettings::default());
    assert_eq!(loaded.settings.profile("empty"), Some(&Profile::default()));
    assert_eq!(loaded.settings.default_profile_name(), Some("empty"));

    fs::write(&path, "").unwrap();
    assert_eq!(
        SettingsFile::at(&path).load().unwrap().settings,
        Settings::default()
    );
}

#[test]
fn broken_file_is_copied_and_reported_and_left_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.toml");
    let original = b"[profiles.work\nbase_url = 'https://x'\n".to_vec();
    fs::write(&path, &original).unwrap();

    let loaded = SettingsFile::at(&path).load().unwrap();
    assert_eq!(loaded.settings, Settings::default());
    let warning = loaded.warning.unwrap();
    let backup = dir.path().join("settings.toml.bak");
    assert!(warning.contains(&path.display().to_string()), "{warning}");
    assert!(warning.contains(&backup.display().to_string()), "{warning}");
    assert!(warning.contains("line 1"), "{warning}");
    assert_eq!(fs::read(&backup).unwrap(), original);
    assert_eq!(
        fs::read(&path).unwrap(),
        original,
        "the original was touched"
    );
}

#[test]
fn wrong_types_and_non_utf8_count_as_broken() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.toml");
    fs::write(
        &path,
        "[profiles.work.network]\nconnect_timeout_secs = \"soon\"\n",
    )
    .unwrap();
    let warning = SettingsFile::at(&path).load().unwrap().warning.unwrap();
    assert!(warning.contains("line 2"), "{warning}");

    let other = dir.path().join("other.toml");
    let bytes = b"default_profile = \"\xff\xfe\"\n".to_vec();
    fs::write(&other, &bytes).unwrap();
    let warning = SettingsFile::at(&other).load().unwrap().warning.unwrap();
    assert!(warning.contains("not UTF-8"), "{warning}");
    assert_eq!(fs::read(dir.path().join("other.toml.bak")).unwrap(), bytes);
}

#[test]
fn warning_does_not_quote_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.toml");
    fs::write(&path, "api_key = 5b0f3d2e-pasted-by-mistake\n").unwrap();
    let warning = SettingsFile::at(&path).load().unwrap().warning.unwrap();
    assert!(!warning.contains("5b0f3d2e"), "{warning}");
    assert!(!warning.contains("pasted"), "{warning}");
}

#[test]
fn copies_never_overwrite_and_are_not_repeated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.toml");
    let bak = dir.path().join("settings.toml.bak");
    fs::write(&bak, "an older copy").unwrap();
    fs::write(&path, "first = = broken").unwrap();
    let file = SettingsFile::at(&path);

    let warning = file.load().unwrap().warning.unwrap();
    let second = dir.path().join("settings.toml.bak.2");
    assert!(warning.contains(&second.display().to_string()), "{warning}");
    file.load().unwrap();
    assert_eq!(fs::read_to_string(&bak).unwrap(), "an older copy");
    assert_eq!(fs::read_to_string(&second).unwrap(), "first = = broken");

    fs::write(&path, "second = = broken").unwrap();
    file.load().unwrap();
    assert_eq!(
        fs::read_to_string(dir.path().join("settings.toml.bak.3")).unwrap(),
        "second = = broken"
    );
    assert_eq!(files_in(dir.path()).len(), 4);
}

#[test]
fn unreadable_file_is_an_error_not_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.toml");
    fs::create_dir(&path).unwrap();
    let error = SettingsFile::at(&path).load().unwrap_err();
    assert!(matches!(error, SettingsError::Read { .. }), "{error:?}");
    assert!(error.to_string().contains("could not be read"), "{error}");
}

#[test]
fn save_creates_folders_and_leaves_no_temporary_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a").join("b").join("settings.toml");
    let file = SettingsFile::at(&path);
    file.save(&full_settings()).unwrap();
    file.save(&Settings::default()).unwrap();
    assert_eq!(
        files_in(path.parent().unwrap()),
        BTreeSet::from(["settings.toml".to_owned()])
    );
    assert_eq!(file.load().unwrap().settings, Settings::default());
}

#[test]
fn failed_save_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.toml");
    fs::create_dir(&path).unwrap();
    fs::write(path.join("keep"), "x").unwrap();
    let error = SettingsFile::at(&path).save(&full_settings()).unwrap_err();
    assert!(matches!(error, SettingsError::Write { .. }), "{error:?}");
    assert_eq!(
        files_in(dir.path()),
        BTreeSet::from(["settings.toml".to_owned()])
    );
}

#[cfg(unix)]
#[test]
fn saved_file_is_owner_only_even_over_a_readable_one() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.toml");
    fs::write(&path, "").unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    SettingsFile::at(&path).save(&full_settings()).unwrap();
    let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[cfg(unix)]
#[test]
fn broken_file_copy_is_owner_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.toml");
    fs::write(&path, "= broken").unwrap();
    SettingsFile::at(&path).load().unwrap();
    let copy = dir.path().join("settings.toml.bak");
    assert_eq!(
        fs::metadata(copy).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[cfg(unix)]
#[test]
fn symlinked_file_is_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("dotfiles").join("settings.toml");
    fs::create_dir_all(real.parent().unwrap()).unwrap();
    fs::write(&real, "").unwrap();
    let link = dir.path().join("settings.toml");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    SettingsFile::at(&link).save(&full_settings()).unwrap();
    assert!(fs::symlink_metadata(&link).unwrap().is_symlink());
    assert_eq!(
        SettingsFile::at(&real).load().unwrap().settings,
        full_settings()
    );
}

#[test]
fn serialized_settings_hold_only_known_non_secret_keys() {
    let text = toml::to_string_pretty(&full_settings()).unwrap();
    let table: toml::Table = toml::from_str(&text).unwrap();
    let mut keys = BTreeSet::new();
    collect_keys(&table, "", &mut keys);
    let allowed = [
        "default_profile",
        "profiles",
        "profiles.*",
        "profiles.*.base_url",
        "profiles.*.method",
        "profiles.*.username",
        "profiles.*.api_key_role",
        "profiles.*.network",
        "profiles.*.network.connect_timeout_secs",
        "profiles.*.network.request_timeout_secs",
        "profiles.*.network.https_proxy",
        "profiles.*.network.extra_ca_file",
    ];
    // A new field must be added here on purpose, after checking that it cannot hold a secret.
    assert_eq!(keys, allowed.into_iter().map(str::to_owned).collect());
    for word in ["password", "secret", "token", "demo"] {
        assert!(!text.to_lowercase().contains(word), "{word} in {text}");
    }
}

fn collect_keys(table: &toml::Table, prefix: &str, keys: &mut BTreeSet<String>) {
    for (key, value) in table {
        // Profile names are data, not fields.
        let key = if prefix == "profiles." {
            "*"
        } else {
            key.as_str()
        };
        let path = format!("{prefix}{key}");
        keys.insert(path.clone());
        if let toml::Value::Table(inner) = value {
            collect_keys(inner, &format!("{path}."), keys);
        }
    }
}

#[test]
fn proxy_password_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.toml");
    let mut settings = full_settings();
    if let Some(work) = settings.profiles.get_mut("work") {
        work.network.https_proxy = Some("http://me:hunter2@proxy.example:3128".to_owned());
    }
    let error = SettingsFile::at(&path).save(&settings).unwrap_err();
    assert!(matches!(error, SettingsError::SecretInProxy { ref profile } if profile == "work"));
    assert!(!error.to_string().contains("hunter2"));
    assert!(!path.exists());

    if let Some(work) = settings.profiles.get_mut("work") {
        work.network.https_proxy = Some("http://me@proxy.example:3128".to_owned());
    }
    SettingsFile::at(&path).save(&settings).unwrap();
}

#[test]
fn locate_prefers_the_flag_then_the_environment_then_the_platform_folder() {
    let env = |value: &'static str| move |name: &str| (name == CONFIG_ENV).then(|| value.into());
    let platform = || Some(PathBuf::from("/home/me/.config/netlicensing-keys"));

    let flag = locate_with(
        Some(Path::new("/x/flag.toml")),
        env("/x/env.toml"),
        platform,
    )
    .unwrap();
    assert_eq!(flag.path(), Path::new("/x/flag.toml"));
    let from_env = locate_with(None, env("/x/env.toml"), platform).unwrap();
    assert_eq!(from_env.path(), Path::new("/x/env.toml"));
    let default = locate_with(None, env(""), platform).unwrap();
    assert_eq!(
        default.path(),
        Path::new("/home/me/.config/netlicensing-keys/settings.toml")
    );
    let nowhere = locate_with(None, |_: &str| None, || None).unwrap_err();
    assert!(matches!(nowhere, SettingsError::NoConfigDir));
}

#[test]
fn platform_folder_is_named_after_the_program() {
    if let Some(dir) = platform_config_dir() {
        assert!(
            dir.to_string_lossy().contains("netlicensing-keys"),
            "{dir:?}"
        );
    }
}
