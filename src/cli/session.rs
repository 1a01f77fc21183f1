//! Everything a command needs to talk to NetLicensing: the client, and where its credentials
//! came from.

use std::time::Duration;

use super::args::GlobalArgs;
use super::failure::Failure;
use crate::api::{Client, ClientConfig, Credentials, DEFAULT_BASE_URL};

/// Where the credentials of a session came from, for `auth test` and `auth show`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Environment,
}

impl Source {
    pub fn describe(&self) -> String {
        match self {
            Source::Environment => "the environment".to_owned(),
        }
    }
}

/// A client ready to use.
pub struct Session {
    pub client: Client,
    pub source: Source,
}

impl Session {
    pub fn open(global: &GlobalArgs) -> Result<Session, Failure> {
        let credentials = credentials_from_env(|name| std::env::var(name).ok())?
            .ok_or_else(|| Failure::Authentication(NO_CREDENTIALS.to_owned()))?;
        let mut config = ClientConfig::new(
            global
                .base_url
                .clone()
                .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned()),
        );
        if let Some(seconds) = global.timeout {
            config.request_timeout = Duration::from_secs_f64(seconds);
        }
        let client = Client::new(&config, credentials)?;
        Ok(Session {
            client,
            source: Source::Environment,
        })
    }
}

const NO_CREDENTIALS: &str =
    "No credentials: set NETLICENSING_API_KEY, or NETLICENSING_USERNAME and NETLICENSING_PASSWORD.";

fn credentials_from_env(
    get: impl Fn(&str) -> Option<String>,
) -> Result<Option<Credentials>, Failure> {
    let get = |name: &str| get(name).filter(|v| !v.trim().is_empty());
    if let Some(key) = get("NETLICENSING_API_KEY") {
        return Ok(Some(Credentials::api_key(key.trim())));
    }
    match (get("NETLICENSING_USERNAME"), get("NETLICENSING_PASSWORD")) {
        (Some(user), Some(password)) => Ok(Some(Credentials::vendor_login(user, password))),
        (None, None) => Ok(None),
        _ => Err(Failure::Usage(
            "Set both NETLICENSING_USERNAME and NETLICENSING_PASSWORD, or neither.".to_owned(),
        )),
    }
}
