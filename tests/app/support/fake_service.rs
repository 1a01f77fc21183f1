//! A `KeyService` whose timing and failures the test decides: each kind of call can be held
//! until the test releases it, made to fail with a chosen `ApiError`, and is counted.

#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use netlicensing_keys::api::{
    Access, ApiError, ApiKey, AuthMethod, KeyDetails, ListProgress, NewApiKey, Role, Secret,
    TokenNumber,
};
use netlicensing_keys::app::service::{Connector, KeyService};

use super::WAIT;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    List,
    Create,
    Delete,
    Probe,
}

const CALLS: usize = 4;

impl Call {
    fn index(self) -> usize {
        match self {
            Call::List => 0,
            Call::Create => 1,
            Call::Delete => 2,
            Call::Probe => 3,
        }
    }
}

#[derive(Default)]
struct State {
    keys: Vec<ApiKey>,
    held: [bool; CALLS],
    started: [usize; CALLS],
    finished: [usize; CALLS],
    fail: [Option<ApiError>; CALLS],
    created: Vec<NewApiKey>,
    deleted: Vec<String>,
    /// Keys whose delete is refused (permission denied), while others go through.
    protected: Vec<String>,
    next_number: u32,
}

pub struct FakeService {
    state: Mutex<State>,
    changed: Condvar,
    access: Access,
}

impl FakeService {
    /// A vendor login account with these keys.
    pub fn new(keys: Vec<ApiKey>) -> Arc<Self> {
        FakeService::with_access(
            keys,
            Access {
                method: AuthMethod::VendorLogin,
                can_read: true,
                can_manage_keys: true,
                role: None,
            },
        )
    }

    pub fn with_access(keys: Vec<ApiKey>, access: Access) -> Arc<Self> {
        Arc::new(FakeService {
            state: Mutex::new(State {
                keys,
                ..State::default()
            }),
            changed: Condvar::new(),
            access,
        })
    }

    /// A connector that hands out this service for any URL and credentials.
    pub fn connector(self: &Arc<Self>) -> Connector {
        let service = self.clone();
        Arc::new(move |_config, _credentials| Ok(service.clone() as Arc<dyn KeyService>))
    }

    /// Calls of this kind wait from now on until [`Self::release`].
    pub fn hold(&self, call: Call) {
        self.state.lock().unwrap().held[call.index()] = true;
    }

    pub fn release(&self, call: Call) {
        self.state.lock().unwrap().held[call.index()] = false;
        self.changed.notify_all();
    }

    /// Calls of this kind fail with this error from now on (`None`: succeed again).
    pub fn fail(&self, call: Call, error: Option<ApiError>) {
        self.state.lock().unwrap().fail[call.index()] = error;
    }

    /// Deleting this key is refused with `PermissionDenied`; other keys can be deleted.
    pub fn protect(&self, number: &str) {
        self.state.lock().unwrap().protected.push(number.to_owned());
    }

    /// How many calls of this kind have started.
    pub fn started(&self, call: Call) -> usize {
        self.state.lock().unwrap().started[call.index()]
    }

    pub fn finished(&self, call: Call) -> usize {
        self.state.lock().unwrap().finished[call.index()]
    }

    /// Blocks until `count` calls of this kind have started (they may be held).
    pub fn wait_started(&self, call: Call, count: usize) {
        let deadline = Instant::now() + WAIT;
        let mut state = self.state.lock().unwrap();
        while state.started[call.index()] < count {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "{call:?} was not called {count} times");
            state = self.changed.wait_timeout(state, left).unwrap().0;
        }
    }

    pub fn keys(&self) -> Vec<ApiKey> {
        self.state.lock().unwrap().keys.clone()
    }

    pub fn created(&self) -> Vec<NewApiKey> {
        self.state.lock().unwrap().created.clone()
    }

    pub fn deleted(&self) -> Vec<String> {
        self.state.lock().unwrap().deleted.clone()
    }

    /// Counts the call, waits while it is held, then says whether it must fail.
    fn enter(&self, call: Call) -> Result<std::sync::MutexGuard<'_, State>, ApiError> {
        let mut state = self.state.lock().unwrap();
        state.started[call.index()] += 1;
        self.changed.notify_all();
        let deadline = Instant::now() + WAIT;
        while state.held[call.index()] {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                // Never hang a test run: a forgotten release ends as an error.
                return Err(ApiError::Timeout {
                    host: "fake".to_owned(),
                    after: WAIT,
                });
            }
            state = self.changed.wait_timeout(state, left).unwrap().0;
        }
        state.finished[call.index()] += 1;
        match state.fail[call.index()].clone() {
            Some(error) => Err(error),
            None => Ok(state),
        }
    }
}

impl KeyService for FakeService {
    fn list(&self, progress: &(dyn Fn(ListProgress) + Sync)) -> Result<Vec<ApiKey>, ApiError> {
        // The server answers at once; a held call is an answer still on its way.
        let keys = self.state.lock().unwrap().keys.clone();
        drop(self.enter(Call::List)?);
        progress(ListProgress {
            pages_done: 1,
            pages_total: Some(1),
        });
        Ok(keys)
    }

    fn create(&self, new_key: &NewApiKey) -> Result<ApiKey, ApiError> {
        let mut state = self.enter(Call::Create)?;
        state.next_number += 1;
        let number = format!("f00dcafe-0000-4000-8000-{:012}", state.next_number);
        let details = KeyDetails {
            name: new_key.name.as_deref(),
            customer: new_key.customer.as_deref(),
            created: Some("2026-01-02T03:04:05Z"),
            unknown_role: None,
        };
        let key = ApiKey::new(Secret::new(number), new_key.role, details);
        state.created.push(new_key.clone());
        state.keys.push(key.clone());
        Ok(key)
    }

    fn delete(&self, number: &TokenNumber) -> Result<(), ApiError> {
        let mut state = self.enter(Call::Delete)?;
        if state.protected.iter().any(|p| p == number.expose()) {
            return Err(ApiError::PermissionDenied {
                server: Some("This key is protected".to_owned()),
            });
        }
        let before = state.keys.len();
        state.keys.retain(|k| k.number.expose() != number.expose());
        if state.keys.len() == before {
            return Err(ApiError::NotFound { server: None });
        }
        state.deleted.push(number.expose().to_owned());
        Ok(())
    }

    fn probe(&self) -> Result<Access, ApiError> {
        drop(self.enter(Call::Probe)?);
        Ok(self.access)
    }
}

/// An API key as the server would describe it.
pub fn api_key(number: &str, role: Role, name: Option<&str>) -> ApiKey {
    let details = KeyDetails {
        name,
        ..KeyDetails::default()
    };
    ApiKey::new(Secret::new(number), Some(role), details)
}

/// A few keys with distinct names, roles and masks.
pub fn three_keys() -> Vec<ApiKey> {
    vec![
        api_key(
            "aaa00000-0000-4000-8000-00000000a001",
            Role::Admin,
            Some("Alpha"),
        ),
        api_key(
            "bbb00000-0000-4000-8000-00000000b002",
            Role::Licensee,
            Some("Bravo"),
        ),
        api_key(
            "ccc00000-0000-4000-8000-00000000c003",
            Role::Operation,
            Some("Charlie"),
        ),
    ]
}

/// Short pause helper for places where a thread must get the CPU.
pub fn nap() {
    std::thread::sleep(Duration::from_millis(2));
}
