//! The app: its state, the connection to one account, and the frame loop. Commands are applied
//! in `apply.rs`, finished background calls in `results.rs`.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::api::{Access, ApiError, ApiKey, Credentials, ListProgress};
use crate::credentials::{SANDBOX_PROFILE, Settings, StoreError};
use crate::sandbox::Sandbox;

use super::auth_form::AuthForm;
use super::clipboard::CopiedKey;
use super::dialogs::Dialog;
use super::environment::{Environment, SandboxSource};
use super::key_list::KeyList;
use super::profiles::{PendingSave, Secrets};
use super::screenshot::ScreenshotPlan;
use super::service::KeyService;
use super::startup_report::StartupReport;
use super::status::Status;
use super::task::{Task, Waker};
use super::ui;
use super::{LaunchOptions, Screen};

/// The account the app is working with.
pub struct Connection {
    pub profile_name: String,
    pub base_url: String,
    pub credentials: Credentials,
    pub service: Arc<dyn KeyService>,
    /// What the credentials may do, once checked.
    pub access: Option<Access>,
    pub is_sandbox: bool,
    /// Where the secret is kept, for people.
    pub secret_location: String,
}

/// Each key of a revoke with what the server said about it.
pub type RevokeOutcome = Vec<(ApiKey, Result<(), ApiError>)>;

/// Background calls in flight; at most one of each kind, so a button cannot start a second.
#[derive(Default)]
pub struct Tasks {
    pub list: Option<Task<Vec<ApiKey>>>,
    /// The running list was answered before a change the table already shows (a key created
    /// or revoked): its rows are out of date, so it is dropped and the list fetched again.
    pub list_outdated: bool,
    /// The running list follows a change: the status line keeps saying what changed rather
    /// than "N API keys loaded".
    pub list_quiet: bool,
    pub list_progress: Arc<Mutex<Option<ListProgress>>>,
    pub access: Option<Task<Access>>,
    pub test: Option<Task<Access>>,
    pub create: Option<Task<ApiKey>>,
    pub revoke: Option<Task<RevokeOutcome>>,
    /// The key being replaced and its replacement.
    pub rotate_create: Option<Task<(ApiKey, ApiKey)>>,
    /// The key being replaced and what the server said to its revoke.
    pub rotate_revoke: Option<Task<(ApiKey, Result<(), ApiError>)>>,
    pub switch_to_key: Option<Task<ApiKey>>,
    pub open: Option<Task<Result<Connection, String>>>,
    pub save: Option<Task<Result<Option<String>, StoreError>>>,
    pub forget: Option<Task<Result<String, StoreError>>>,
    pub clipboard: Option<Task<bool>>,
}

impl Tasks {
    pub fn any_running(&self) -> bool {
        self.list.is_some()
            || self.access.is_some()
            || self.test.is_some()
            || self.create.is_some()
            || self.revoke.is_some()
            || self.rotate_create.is_some()
            || self.rotate_revoke.is_some()
            || self.switch_to_key.is_some()
            || self.open.is_some()
            || self.save.is_some()
            || self.forget.is_some()
    }
}

pub struct KeysApp {
    pub(super) env: Environment,
    pub(super) settings: Settings,
    /// The keychain, and the secrets kept for this session only.
    pub(super) secrets: Secrets,
    /// The settings a running save commits once the secret is stored.
    pub(super) pending_save: Option<PendingSave>,
    pub(super) sandbox: Option<Sandbox>,
    pub(super) connection: Option<Connection>,
    /// Why there is no connection, when there should be one.
    pub(super) connection_error: Option<String>,
    /// The settings file was broken and defaults are used: shown until dismissed or until new
    /// settings are saved, as the status line soon says other things.
    pub(super) settings_warning: Option<String>,
    /// Said before the next "Connected to …" (a deleted profile, when the next one opens).
    pub(super) notice: Option<String>,
    pub(super) keys: KeyList,
    /// The last list error; the previous list stays on screen.
    pub(super) list_error: Option<ApiError>,
    pub(super) screen: Screen,
    pub(super) dialog: Option<Dialog>,
    pub(super) auth_form: AuthForm,
    pub(super) tasks: Tasks,
    pub(super) status: Status,
    pub(super) copied: CopiedKey,
    pub(super) screenshot: Option<ScreenshotPlan>,
    /// Set by Ctrl+F; the filter box takes focus on the next frame.
    pub(super) focus_filter: bool,
    pub(super) waker: SharedWaker,
    /// Timing lines for the benchmark, when asked for (`startup_report.rs`).
    pub(super) startup_report: Option<StartupReport>,
}

impl KeysApp {
    /// Builds the app: on the built-in sandbox when asked, else on the chosen or default
    /// profile, else (first run) on the welcome screen.
    pub fn new(
        env: Environment,
        settings: Settings,
        warning: Option<String>,
        launch: &LaunchOptions,
    ) -> Self {
        let screenshot = env.screenshot.clone().map(ScreenshotPlan::new);
        let keys = KeyList::with_reveal_for(env.reveal_for);
        let secrets = Secrets {
            keychain: env.keychain.clone(),
            session: Arc::default(),
        };
        let mut app = KeysApp {
            env,
            settings,
            secrets,
            pending_save: None,
            sandbox: None,
            connection: None,
            connection_error: None,
            settings_warning: None,
            notice: None,
            keys,
            list_error: None,
            screen: Screen::Welcome,
            dialog: None,
            auth_form: AuthForm::new_profile("Default"),
            tasks: Tasks::default(),
            status: Status::default(),
            copied: CopiedKey::default(),
            screenshot,
            focus_filter: false,
            waker: SharedWaker::default(),
            startup_report: None,
        };
        if let Some(warning) = warning {
            app.status.error(warning.clone());
            app.settings_warning = Some(warning);
        }
        let chosen = launch
            .profile
            .clone()
            .or_else(|| app.settings.default_profile_name().map(str::to_owned));
        if launch.sandbox {
            app.switch_profile(SANDBOX_PROFILE);
        } else if let Some(name) = chosen {
            app.switch_profile(&name);
        }
        app
    }

    /// Lets background calls wake the window.
    pub fn attach(&self, ctx: &egui::Context) {
        self.waker.set(ctx);
    }

    pub fn screen(&self) -> Screen {
        self.screen
    }

    pub fn connection(&self) -> Option<&Connection> {
        self.connection.as_ref()
    }

    pub fn keys(&self) -> &KeyList {
        &self.keys
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn status(&self) -> &Status {
        &self.status
    }

    /// Whether any background call is still running (tests wait on this).
    pub fn is_busy(&self) -> bool {
        self.tasks.any_running()
    }

    /// The sandbox's base URL, starting the embedded sandbox the first time.
    pub(super) fn sandbox_url(&mut self) -> Result<String, String> {
        if let Some(sandbox) = &self.sandbox {
            return Ok(sandbox.base_url());
        }
        match &self.env.sandbox {
            SandboxSource::External(url) => Ok(url.clone()),
            SandboxSource::Embedded(options) => {
                let sandbox = Sandbox::start(options.clone())
                    .map_err(|e| format!("The sandbox could not start: {e}"))?;
                let url = sandbox.base_url();
                self.sandbox = Some(sandbox);
                Ok(url)
            }
        }
    }

    /// Leaves the current account: forgets its keys and stops its calls.
    pub(super) fn disconnect(&mut self) {
        self.connection = None;
        self.connection_error = None;
        self.notice = None;
        self.keys.clear();
        self.list_error = None;
        self.dialog = None;
        // Results of calls for the old account must not land in the new one.
        let clipboard = self.tasks.clipboard.take();
        self.tasks = Tasks {
            clipboard,
            ..Tasks::default()
        };
    }

    /// Fetches the list (Refresh, a new connection); a list already on its way will do.
    pub(super) fn start_list(&mut self) {
        self.start_list_with(false);
    }

    /// Fetches the list again after a change the server confirmed, quietly.
    pub(super) fn refetch_list(&mut self) {
        if self.tasks.list.is_some() {
            self.tasks.list_outdated = true;
        } else {
            self.start_list_with(true);
        }
    }

    /// A change the table shows already must not be undone by a list answered before it.
    pub(super) fn outdate_list_in_flight(&mut self) {
        if self.tasks.list.is_some() {
            self.tasks.list_outdated = true;
        }
    }

    pub(super) fn start_list_with(&mut self, quiet: bool) {
        let Some(connection) = &self.connection else {
            return;
        };
        if self.tasks.list.is_some() {
            return;
        }
        self.tasks.list_quiet = quiet;
        let service = connection.service.clone();
        let progress = self.tasks.list_progress.clone();
        if let Ok(mut slot) = progress.lock() {
            *slot = None;
        }
        self.tasks.list = Some(self.spawn("list-keys", move || {
            service.list(&|p| {
                if let Ok(mut slot) = progress.lock() {
                    *slot = Some(p);
                }
            })
        }));
    }

    pub(super) fn start_access_check(&mut self) {
        let Some(connection) = &self.connection else {
            return;
        };
        let service = connection.service.clone();
        self.tasks.access = Some(self.spawn("check-access", move || service.probe()));
    }

    /// Runs a call on a named thread; the UI is woken when its result is in.
    pub(super) fn spawn<T: Send + 'static>(
        &self,
        name: &str,
        work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
    ) -> Task<T> {
        Task::spawn(name, self.waker.clone(), work)
    }

    /// Saves the settings file, reporting (not hiding) a failure.
    pub(super) fn save_settings(&mut self) -> bool {
        let Some(file) = &self.env.settings_file else {
            return true;
        };
        match file.save(&self.settings) {
            Ok(()) => {
                self.settings_warning = None;
                true
            }
            Err(error) => {
                self.status
                    .error(format!("The settings could not be saved: {error}"));
                false
            }
        }
    }

    /// Timers: hide revealed keys, clear the clipboard, keep "refreshed … ago" honest, take the
    /// screenshot. Asks for exactly one repaint at the next deadline, never a loop.
    fn tick(&mut self, ctx: &egui::Context) {
        let now = Instant::now();
        let mut next: Vec<Duration> = Vec::new();
        next.extend(self.keys.expire_reveals(now));
        if let Some(key) = self.copied.due(now, self.env.clipboard_clear_after) {
            let probe = self.env.clipboard.clone();
            self.tasks.clipboard = Some(self.spawn("clear-clipboard", move || {
                probe
                    .clear_if_holds(key.expose())
                    .map_err(|e| ApiError::Config(format!("the clipboard could not be read ({e})")))
            }));
        }
        next.extend(self.copied.next_in(now, self.env.clipboard_clear_after));
        if let Some(at) = self.keys.loaded_at() {
            next.push(ui::status_bar::next_age_change(now.duration_since(at)));
        }
        if let Some(plan) = &mut self.screenshot {
            let settled = self.keys.is_loaded()
                || self.list_error.is_some()
                || (self.connection.is_none() && self.tasks.list.is_none());
            if let Some(delay) = plan.step(ctx, settled && self.tasks.list.is_none()) {
                next.push(delay);
            }
        }
        if let Some(delay) = next.into_iter().min() {
            ctx.request_repaint_after(delay.max(Duration::from_millis(10)));
        }
    }
}

impl eframe::App for KeysApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.waker.set(ctx);
        self.poll_tasks();
        self.tick(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let mut commands = ui::shortcuts(ui.ctx(), self);
        commands.extend(ui::app_ui(ui, self));
        for command in commands {
            self.apply(command);
        }
        if let Some(report) = &mut self.startup_report {
            let loaded = self.keys.is_loaded().then(|| self.keys.keys().len());
            if report.after_frame(loaded) {
                self.startup_report = None;
            }
        }
    }
}

/// Wakes the UI from worker threads. The context arrives with the first frame (or at
/// creation); calls started before that are found by the first frame's poll anyway.
#[derive(Clone, Default)]
pub struct SharedWaker(Arc<Mutex<Option<egui::Context>>>);

impl SharedWaker {
    pub fn context(&self) -> Option<egui::Context> {
        self.0.lock().ok().and_then(|slot| slot.clone())
    }

    pub fn set(&self, ctx: &egui::Context) {
        if let Ok(mut slot) = self.0.lock()
            && slot.is_none()
        {
            *slot = Some(ctx.clone());
        }
    }
}

impl Waker for SharedWaker {
    fn wake(&self) {
        if let Ok(slot) = self.0.lock()
            && let Some(ctx) = slot.as_ref()
        {
            ctx.request_repaint();
        }
    }
}
