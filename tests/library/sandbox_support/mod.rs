//! Helpers shared by the sandbox integration tests: sandboxes, API clients and raw HTTP.

#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use netlicensing_keys::api::envelope::{self, Envelope};
use netlicensing_keys::api::{Client, ClientConfig, Credentials};
use netlicensing_keys::sandbox::{DEMO_PASSWORD, DEMO_USERNAME, Sandbox, SandboxOptions};
use reqwest::blocking::RequestBuilder;
use reqwest::header::HeaderMap;

pub const JSON: &str = "application/json";
pub const XML: &str = "application/xml";

pub fn sandbox() -> Sandbox {
    Sandbox::start(SandboxOptions::default()).expect("sandbox starts")
}

pub fn sandbox_with(options: SandboxOptions) -> Sandbox {
    Sandbox::start(options).expect("sandbox starts")
}

pub fn vendor() -> Credentials {
    Credentials::vendor_login(DEMO_USERNAME, DEMO_PASSWORD)
}

pub fn client(sandbox: &Sandbox, credentials: Credentials) -> Client {
    let mut config = ClientConfig::new(sandbox.base_url());
    config.request_timeout = Duration::from_secs(10);
    Client::new(&config, credentials).expect("client")
}

pub fn vendor_client(sandbox: &Sandbox) -> Client {
    client(sandbox, vendor())
}

pub fn key_client(sandbox: &Sandbox, key: &str) -> Client {
    client(sandbox, Credentials::api_key(key))
}

/// A plain HTTP client for requests the API client would never send.
pub fn http() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("http client")
}

pub fn basic(user: &str, password: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{user}:{password}")))
}

pub fn demo_auth() -> String {
    basic(DEMO_USERNAME, DEMO_PASSWORD)
}

pub fn key_auth(key: &str) -> String {
    basic("apiKey", key)
}

/// A raw answer.
#[derive(Debug)]
pub struct Raw {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Raw {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn envelope(&self) -> Envelope {
        envelope::parse(&self.body)
            .unwrap_or_else(|e| panic!("not an envelope ({e}): {}", self.text()))
    }

    /// The `id` of the first error info.
    pub fn error_id(&self) -> String {
        self.envelope()
            .first_error()
            .map(|info| info.id.clone())
            .unwrap_or_default()
    }

    pub fn error_message(&self) -> String {
        self.envelope()
            .first_error()
            .map(|info| info.value.clone())
            .unwrap_or_default()
    }
}

pub fn send(request: RequestBuilder) -> Raw {
    let response = request.send().expect("request");
    Raw {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.bytes().expect("body").to_vec(),
    }
}

/// `GET base + path` with the vendor login and an `Accept` header.
pub fn get(sandbox: &Sandbox, path: &str, accept: &str) -> Raw {
    send(
        http()
            .get(format!("{}{path}", sandbox.base_url()))
            .header("Authorization", demo_auth())
            .header("Accept", accept),
    )
}

/// `POST base/token` with a form body (sent exactly as given) and these credentials.
pub fn post_token(sandbox: &Sandbox, authorization: &str, form: &str) -> Raw {
    send(
        http()
            .post(format!("{}/token", sandbox.base_url()))
            .header("Authorization", authorization)
            .header("Accept", JSON)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(form.to_owned()),
    )
}

/// A stand-in for an RSA-2048 PKCS#8 PEM body: the right leading bytes and size.
pub fn private_key() -> String {
    let mut der = vec![0x30, 0x82, 0x04, 0xbd];
    der.extend((0..1213_u32).map(|i| u8::try_from(i % 251).unwrap()));
    STANDARD.encode(der)
}

/// Percent-encodes a form value.
pub fn form_value(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// The numbers of the items of an envelope, in order.
pub fn numbers(envelope: &Envelope) -> Vec<String> {
    envelope
        .items
        .iter()
        .filter_map(|item| item.property("number").map(str::to_owned))
        .collect()
}
