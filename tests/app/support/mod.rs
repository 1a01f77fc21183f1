//! Helpers for driving the real desktop app under `egui_kittest`: building it on a test
//! sandbox or a fake service, waiting for background calls, reading the accessibility tree, and
//! test doubles for the clipboard, the keychain and the NetLicensing service.

#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

pub mod fake_service;
#[path = "../../support/scripted_server.rs"]
pub mod scripted_server;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use netlicensing_keys::api::{AuthMethod, Secret};
use netlicensing_keys::app::clipboard::ClipboardProbe;
use netlicensing_keys::app::service::{Connector, http_connector};
use netlicensing_keys::app::{Environment, KeysApp, LaunchOptions, SandboxSource};
use netlicensing_keys::credentials::{
    MemoryStore, SecretSlot, SecretStore, Settings, SettingsFile, StoreError,
};
use netlicensing_keys::sandbox::{Sandbox, SandboxOptions};

pub use fake_service::{Call, FakeService};

pub type AppHarness = Harness<'static, KeysApp>;

/// Long enough for any background call on a loaded 2-core machine; only a guard against hangs.
pub const WAIT: Duration = Duration::from_secs(20);

pub fn sandbox() -> Sandbox {
    Sandbox::start(SandboxOptions::default()).expect("sandbox starts")
}

pub fn sandbox_with(options: SandboxOptions) -> Sandbox {
    Sandbox::start(options).expect("sandbox starts")
}

/// Everything the app is wired to in a test, with handles the test keeps to look inside.
pub struct World {
    pub keychain: Arc<MemoryStore>,
    /// Replaces `keychain` as the app's store when set (e.g. a refusing keychain).
    pub store: Option<Arc<dyn SecretStore>>,
    pub clipboard: Arc<FakeClipboard>,
    pub connector: Connector,
    pub sandbox_url: String,
    /// Settings are saved to `settings_path()` when on, kept in memory when off.
    pub settings_file: bool,
    pub clipboard_clear_after: Duration,
    pub reveal_for: Duration,
    pub dir: tempfile::TempDir,
}

impl World {
    /// The real HTTP client against this sandbox.
    pub fn new(sandbox: &Sandbox) -> Self {
        World::with_sandbox_url(sandbox.base_url())
    }

    pub fn with_sandbox_url(url: impl Into<String>) -> Self {
        World {
            keychain: Arc::new(MemoryStore::default()),
            store: None,
            clipboard: Arc::new(FakeClipboard::default()),
            connector: http_connector(),
            sandbox_url: url.into(),
            settings_file: true,
            clipboard_clear_after: Duration::from_millis(200),
            reveal_for: Duration::from_secs(10),
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// Every connection gets this fake service, whatever the URL and credentials.
    pub fn with_fake(service: &Arc<FakeService>) -> Self {
        let mut world = World::with_sandbox_url("http://127.0.0.1:9/core/v2/rest");
        world.connector = service.connector();
        world
    }

    pub fn settings_path(&self) -> PathBuf {
        self.dir.path().join("settings.toml")
    }

    pub fn environment(&self) -> Environment {
        Environment {
            connector: self.connector.clone(),
            keychain: self
                .store
                .clone()
                .unwrap_or_else(|| self.keychain.clone() as Arc<dyn SecretStore>),
            settings_file: self
                .settings_file
                .then(|| SettingsFile::at(self.settings_path())),
            sandbox: SandboxSource::External(self.sandbox_url.clone()),
            clipboard: self.clipboard.clone(),
            clipboard_clear_after: self.clipboard_clear_after,
            reveal_for: self.reveal_for,
            screenshot: None,
        }
    }

    /// Opens the app as `netlicensing-keys` would with these settings and options; waits until
    /// its first calls are done.
    pub fn open(&self, settings: Settings, launch: LaunchOptions) -> AppHarness {
        let mut harness = self.start(settings, launch);
        wait_idle(&mut harness);
        harness
    }

    /// Opens the app without waiting for its first calls.
    pub fn start(&self, settings: Settings, launch: LaunchOptions) -> AppHarness {
        let env = self.environment();
        Harness::builder()
            .with_size(egui::vec2(1200.0, 800.0))
            .build_eframe(move |cc| {
                let app = KeysApp::new(env, settings, None, &launch);
                app.attach(&cc.egui_ctx);
                app
            })
    }

    /// Opens the app on the settings file as `run()` does: loaded from `settings_path()`, with
    /// the warning a broken file gives.
    pub fn open_from_file(&self, launch: LaunchOptions) -> AppHarness {
        let loaded = SettingsFile::at(self.settings_path())
            .load()
            .expect("settings file");
        let env = self.environment();
        let mut harness = Harness::builder()
            .with_size(egui::vec2(1200.0, 800.0))
            .build_eframe(move |cc| {
                let app = KeysApp::new(env, loaded.settings, loaded.warning, &launch);
                app.attach(&cc.egui_ctx);
                app
            });
        wait_idle(&mut harness);
        harness
    }

    /// `netlicensing-keys --sandbox`.
    pub fn open_sandbox(&self) -> AppHarness {
        self.open(
            Settings::default(),
            LaunchOptions {
                sandbox: true,
                ..LaunchOptions::default()
            },
        )
    }

    /// The secret the keychain holds for a profile and method.
    pub fn saved_secret(&self, profile: &str, method: AuthMethod) -> Option<String> {
        self.keychain
            .load(&SecretSlot::new(profile, method))
            .expect("memory store")
            .map(|s| s.expose().to_owned())
    }

    pub fn settings_text(&self) -> String {
        std::fs::read_to_string(self.settings_path()).unwrap_or_default()
    }
}

/// Steps frames until no background call runs, then lets the UI settle. Fails the test after
/// [`WAIT`].
#[track_caller]
pub fn wait_idle(harness: &mut AppHarness) {
    wait_until(harness, "the app to finish its background calls", |h| {
        !h.state().is_busy()
    });
    harness.run();
}

/// Steps frames (with short pauses, so that worker threads get the CPU) until `done` holds.
#[track_caller]
pub fn wait_until(harness: &mut AppHarness, what: &str, done: impl Fn(&AppHarness) -> bool) {
    let start = Instant::now();
    loop {
        harness.step();
        if done(harness) {
            return;
        }
        assert!(
            start.elapsed() < WAIT,
            "timed out after {WAIT:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Lets the UI settle; unlike `harness.run()` this does not fail while a spinner keeps the
/// window repainting (it then stops after a few frames).
pub fn settle(harness: &mut AppHarness) {
    let _ = harness.run_ok();
}

/// Clicks the node with exactly this label, then runs one frame per input event, so that the
/// output of the last frame is that of the click.
#[track_caller]
pub fn click(harness: &mut AppHarness, label: &str) {
    harness.get_by_label(label).click();
    harness.step();
}

/// Clicks and lets the UI settle (and waits for any call the click started).
#[track_caller]
pub fn click_and_wait(harness: &mut AppHarness, label: &str) {
    click(harness, label);
    wait_idle(harness);
}

/// Focuses a text field by its label and types into it.
#[track_caller]
pub fn type_into(harness: &mut AppHarness, label: &str, text: &str) {
    harness.get_by_label(label).focus();
    harness.step();
    harness.get_by_label(label).type_text(text);
    harness.run();
}

/// Clicks a combo box (by role and label) and picks an entry of its popup.
#[track_caller]
pub fn choose(harness: &mut AppHarness, combo: &str, entry: &str) {
    harness.get_by_role_and_label(Role::ComboBox, combo).click();
    harness.run();
    // Text labels elsewhere (a role badge in the table) can have the same words.
    harness
        .get_all_by_label(entry)
        .find(|node| node.accesskit_node().role() != Role::Label)
        .unwrap_or_else(|| panic!("no entry {entry:?} in the {combo:?} list"))
        .click();
    // The choice may start a call (a spinner repaints): wait for calls with `wait_idle`.
    settle(harness);
}

pub fn has_label(harness: &AppHarness, label: &str) -> bool {
    count_label(harness, label) > 0
}

/// How many nodes carry exactly this label (an error shown inline and in the status line: 2).
pub fn count_label(harness: &AppHarness, label: &str) -> usize {
    harness.query_all_by_label(label).count()
}

pub fn has_label_containing(harness: &AppHarness, part: &str) -> bool {
    harness.query_all_by_label_contains(part).next().is_some()
}

/// Every label in the tree, in tree order (for assertions on row order and for messages).
/// A text label keeps its text in its value; its text runs repeat it and are left out.
pub fn labels(harness: &AppHarness) -> Vec<String> {
    harness
        .root()
        .children_recursive()
        .map(|node| node.accesskit_node())
        .filter_map(|node| match node.role() {
            Role::Label => node.value(),
            Role::TextRun => None,
            _ => node.label(),
        })
        .collect()
}

/// The masked keys of the table's rows, in row order (read from each row's checkbox, which
/// dialogs do not have).
pub fn masked_keys_in_order(harness: &AppHarness) -> Vec<String> {
    labels(harness)
        .into_iter()
        .filter_map(|label| label.strip_prefix("Select key ").map(str::to_owned))
        .collect()
}

pub fn is_enabled(harness: &AppHarness, label: &str) -> bool {
    !harness.get_by_label(label).accesskit_node().is_disabled()
}

/// The text of the status line's message ("⚠ ..." for errors).
pub fn status_text(harness: &AppHarness) -> String {
    harness
        .state()
        .status()
        .message()
        .map(|(_, text)| text.to_owned())
        .unwrap_or_default()
}

/// What the app put on the clipboard in the last frame, if anything.
pub fn copied_text(harness: &AppHarness) -> Option<String> {
    harness
        .output()
        .platform_output
        .commands
        .iter()
        .find_map(|command| match command {
            egui::OutputCommand::CopyText(text) => Some(text.clone()),
            _ => None,
        })
}

/// The masked form of a key, as the table shows it.
pub fn masked(key: &str) -> String {
    Secret::new(key).masked()
}

/// Plays the system clipboard: the test puts text on it (as the platform would after the app's
/// copy command) and sees what the app asked to clear.
#[derive(Default)]
pub struct FakeClipboard {
    content: Mutex<Option<String>>,
    asked: Mutex<Vec<String>>,
    cleared: Mutex<Vec<String>>,
}

impl FakeClipboard {
    pub fn set(&self, text: &str) {
        *self.content.lock().unwrap() = Some(text.to_owned());
    }

    pub fn content(&self) -> Option<String> {
        self.content.lock().unwrap().clone()
    }

    /// Every text the app asked to clear, in order.
    pub fn asked(&self) -> Vec<String> {
        self.asked.lock().unwrap().clone()
    }

    pub fn cleared(&self) -> Vec<String> {
        self.cleared.lock().unwrap().clone()
    }
}

impl ClipboardProbe for FakeClipboard {
    fn clear_if_holds(&self, text: &str) -> Result<bool, String> {
        self.asked.lock().unwrap().push(text.to_owned());
        let mut content = self.content.lock().unwrap();
        if content.as_deref() == Some(text) {
            *content = None;
            self.cleared.lock().unwrap().push(text.to_owned());
            Ok(true)
        } else {
            Ok(false)
        }
    }
}

/// A keychain that cannot be reached, as on a headless Linux machine without a Secret Service.
/// Reading finds nothing, writing is refused; every attempt is counted.
#[derive(Default)]
pub struct UnavailableKeychain {
    pub saves: Mutex<usize>,
}

impl SecretStore for UnavailableKeychain {
    fn load(&self, _slot: &SecretSlot) -> Result<Option<Secret>, StoreError> {
        Ok(None)
    }

    fn save(&self, _slot: &SecretSlot, _secret: &Secret) -> Result<(), StoreError> {
        *self.saves.lock().unwrap() += 1;
        Err(StoreError::Unavailable(
            "no Secret Service on the session bus".to_owned(),
        ))
    }

    fn delete(&self, _slot: &SecretSlot) -> Result<(), StoreError> {
        Ok(())
    }

    fn location(&self) -> String {
        "the test's unavailable keychain".to_owned()
    }
}

/// A forwarding proxy in front of a sandbox that can be told to answer the next requests with a
/// NetLicensing 500 instead, deterministically (the sandbox's own fail rate mixes 500s with
/// dropped connections).
pub struct FaultyProxy {
    pub base_url: String,
    answer_500: Arc<std::sync::atomic::AtomicU32>,
    _server: scripted_server::ScriptedServer,
}

impl FaultyProxy {
    pub fn start(sandbox: &Sandbox) -> Self {
        use std::sync::atomic::{AtomicU32, Ordering};
        let upstream = sandbox
            .base_url()
            .trim_end_matches(netlicensing_keys::sandbox::BASE_PATH)
            .to_owned();
        let answer_500 = Arc::new(AtomicU32::new(0));
        let fail = answer_500.clone();
        let client = reqwest::blocking::Client::new();
        let server = scripted_server::ScriptedServer::start_with(move |request| {
            if fail
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1))
                .is_ok()
            {
                return scripted_server::Reply::json(
                    500,
                    r#"{"infos":{"info":[{"id":"ServerException","type":"ERROR","value":"database down"}]},"items":null}"#,
                );
            }
            let method = reqwest::Method::from_bytes(request.method.as_bytes()).expect("method");
            let mut forward = client.request(method, format!("{upstream}{}", request.target));
            for (name, value) in &request.headers {
                if !["host", "content-length", "connection"]
                    .iter()
                    .any(|skip| name.eq_ignore_ascii_case(skip))
                {
                    forward = forward.header(name, value);
                }
            }
            match forward.body(request.body.clone()).send() {
                Ok(response) => {
                    let status = response.status().as_u16();
                    scripted_server::Reply::json(status, response.text().unwrap_or_default())
                }
                Err(_) => scripted_server::Reply::Close,
            }
        });
        FaultyProxy {
            base_url: server.base_url.clone(),
            answer_500,
            _server: server,
        }
    }

    /// The next `count` requests get a 500 with a NetLicensing error envelope.
    pub fn answer_500(&self, count: u32) {
        self.answer_500
            .store(count, std::sync::atomic::Ordering::Release);
    }
}

/// The API keys the sandbox holds now, read with the demo vendor login.
pub fn server_keys(sandbox: &Sandbox) -> Vec<netlicensing_keys::api::ApiKey> {
    use netlicensing_keys::api::{Client, ClientConfig, Credentials};
    use netlicensing_keys::sandbox::{DEMO_PASSWORD, DEMO_USERNAME};
    let client = Client::new(
        &ClientConfig::new(sandbox.base_url()),
        Credentials::vendor_login(DEMO_USERNAME, DEMO_PASSWORD),
    )
    .expect("client");
    client.list_api_keys().expect("list")
}

pub fn server_key(sandbox: &Sandbox, number: &str) -> Option<netlicensing_keys::api::ApiKey> {
    server_keys(sandbox)
        .into_iter()
        .find(|k| k.number.expose() == number)
}

/// The key that is in the app's table but not in `before`.
pub fn new_key(
    harness: &AppHarness,
    before: &[netlicensing_keys::api::ApiKey],
) -> netlicensing_keys::api::ApiKey {
    let mut added: Vec<_> = harness
        .state()
        .keys()
        .keys()
        .iter()
        .filter(|k| !before.iter().any(|b| b.number == k.number))
        .cloned()
        .collect();
    assert_eq!(added.len(), 1, "exactly one key was added: {added:?}");
    added.remove(0)
}

/// A keychain whose reads wait until the test releases them, like a Secret Service that shows
/// an unlock prompt.
#[derive(Default)]
pub struct PromptingKeychain {
    pub inner: MemoryStore,
    locked: Mutex<bool>,
    unlocked: std::sync::Condvar,
}

impl PromptingKeychain {
    pub fn lock(&self) {
        *self.locked.lock().unwrap() = true;
    }

    pub fn unlock(&self) {
        *self.locked.lock().unwrap() = false;
        self.unlocked.notify_all();
    }
}

impl SecretStore for PromptingKeychain {
    fn load(&self, slot: &SecretSlot) -> Result<Option<Secret>, StoreError> {
        let mut locked = self.locked.lock().unwrap();
        while *locked {
            let (guard, timeout) = self.unlocked.wait_timeout(locked, WAIT).unwrap();
            locked = guard;
            if timeout.timed_out() {
                return Err(StoreError::Locked);
            }
        }
        drop(locked);
        self.inner.load(slot)
    }

    fn save(&self, slot: &SecretSlot, secret: &Secret) -> Result<(), StoreError> {
        self.inner.save(slot, secret)
    }

    fn delete(&self, slot: &SecretSlot) -> Result<(), StoreError> {
        self.inner.delete(slot)
    }

    fn location(&self) -> String {
        "the test's prompting keychain".to_owned()
    }
}
