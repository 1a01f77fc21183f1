//! Fault injection: delays, server errors, dropped connections and malformed bodies, so that
//! the app's handling of a bad network can be seen and tested.
//!
//! Faults apply to every request except those to the control endpoint (`/sandbox/faults`,
//! documented in the module docs of `sandbox`), which is how demos and out-of-process tests
//! change them.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody as _};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::connection::Connection;
use super::form;
use super::render::{Failure, Format};

/// Where the control endpoint lives: outside the API's base path.
pub(crate) const CONTROL_PATH: &str = "/sandbox/faults";

const MAX_LATENCY_MS: u64 = 60_000;

/// The current fault settings, shared by the handle and the server.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    latency_micros: AtomicU64,
    fail_rate_bits: AtomicU64,
    malform_left: AtomicU32,
}

impl Faults {
    pub(crate) fn set_latency(&self, latency: Duration) {
        let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        self.latency_micros.store(micros, Ordering::Relaxed);
    }

    pub(crate) fn latency(&self) -> Duration {
        Duration::from_micros(self.latency_micros.load(Ordering::Relaxed))
    }

    /// Clamped to 0..=1; NaN counts as 0.
    pub(crate) fn set_fail_rate(&self, rate: f64) {
        let rate = if rate.is_nan() {
            0.0
        } else {
            rate.clamp(0.0, 1.0)
        };
        self.fail_rate_bits.store(rate.to_bits(), Ordering::Relaxed);
    }

    pub(crate) fn fail_rate(&self) -> f64 {
        f64::from_bits(self.fail_rate_bits.load(Ordering::Relaxed))
    }

    /// The next `count` responses with a body get a malformed one (replacing any count left).
    pub(crate) fn malform_next(&self, count: u32) {
        self.malform_left.store(count, Ordering::Relaxed);
    }

    fn malform_left(&self) -> u32 {
        self.malform_left.load(Ordering::Relaxed)
    }

    /// Takes one from the malform count, if any is left.
    fn take_malform(&self) -> bool {
        self.malform_left
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1))
            .is_ok()
    }

    fn describe(&self) -> String {
        let latency_ms = u64::try_from(self.latency().as_millis()).unwrap_or(u64::MAX);
        serde_json::json!({
            "latency_ms": latency_ms,
            "fail_rate": self.fail_rate(),
            "malform_next": self.malform_left(),
        })
        .to_string()
    }
}

/// Middleware: delay, then maybe fail, then maybe cut the body in half.
pub(crate) async fn inject(
    State(faults): State<Arc<Faults>>,
    request: Request,
    next: Next,
) -> Response {
    if request.uri().path().starts_with("/sandbox/") {
        return next.run(request).await;
    }
    let latency = faults.latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let rate = faults.fail_rate();
    if rate > 0.0 && fastrand::f64() < rate {
        return fail(&request);
    }
    let response = next.run(request).await;
    if response.body().size_hint().exact() == Some(0) || !faults.take_malform() {
        return response;
    }
    malform(response).await
}

/// A 500 envelope, or (about half the time) a connection closed without an answer.
fn fail(request: &Request) -> Response {
    let connection = request.extensions().get::<ConnectInfo<Connection>>();
    if let Some(ConnectInfo(connection)) = connection
        && fastrand::bool()
    {
        tracing::debug!("fault injection: dropping the connection");
        connection.cut();
        // Never sent: the cut connection fails on the first write.
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    tracing::debug!("fault injection: answering 500");
    Failure::server("Injected fault: the sandbox simulated a server error.")
        .into_response(Format::from_headers(request.headers()))
}

/// Cuts the body in the middle: JSON and XML both end too early to parse.
async fn malform(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Failure::server("The sandbox could not read its own answer.")
            .into_response(Format::Xml);
    };
    tracing::debug!(bytes = bytes.len(), "fault injection: malforming the body");
    parts.headers.remove(CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(bytes.slice(..bytes.len() / 2)))
}

/// `GET /sandbox/faults`.
pub(crate) async fn show(
    State(faults): State<Arc<Faults>>,
    ConnectInfo(connection): ConnectInfo<Connection>,
) -> Response {
    if !is_local(&connection) {
        return refuse_remote();
    }
    settings_response(&faults)
}

/// `POST /sandbox/faults`.
pub(crate) async fn update(
    State(faults): State<Arc<Faults>>,
    ConnectInfo(connection): ConnectInfo<Connection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !is_local(&connection) {
        return refuse_remote();
    }
    match apply(&faults, &headers, &body) {
        Ok(()) => settings_response(&faults),
        Err(message) => (StatusCode::BAD_REQUEST, message).into_response(),
    }
}

/// Checks every field before changing anything, so a bad request changes nothing.
fn apply(faults: &Faults, headers: &HeaderMap, body: &[u8]) -> Result<(), String> {
    let fields = form::parse(headers, body).map_err(|failure| failure.message)?;
    let mut latency = None;
    let mut rate = None;
    let mut malform = None;
    for (name, value) in &fields {
        let value = value.trim();
        match name.as_str() {
            "latency_ms" => {
                latency = Some(
                    value
                        .parse::<u64>()
                        .ok()
                        .filter(|&ms| ms <= MAX_LATENCY_MS)
                        .ok_or(format!(
                            "latency_ms must be a whole number from 0 to {MAX_LATENCY_MS}."
                        ))?,
                );
            }
            "fail_rate" => {
                rate = Some(
                    value
                        .parse::<f64>()
                        .ok()
                        .filter(|r| (0.0..=1.0).contains(r))
                        .ok_or("fail_rate must be a number from 0 to 1.")?,
                );
            }
            "malform_next" => {
                malform = Some(
                    value
                        .parse::<u32>()
                        .map_err(|_| "malform_next must be a whole number.")?,
                );
            }
            other => {
                return Err(format!(
                    "Unknown field '{other}': use latency_ms, fail_rate or malform_next."
                ));
            }
        }
    }
    if let Some(ms) = latency {
        faults.set_latency(Duration::from_millis(ms));
    }
    if let Some(rate) = rate {
        faults.set_fail_rate(rate);
    }
    if let Some(count) = malform {
        faults.malform_next(count);
    }
    tracing::info!(
        latency_ms = latency,
        fail_rate = rate,
        malform_next = malform,
        "fault settings changed"
    );
    Ok(())
}

fn settings_response(faults: &Faults) -> Response {
    let mut response = faults.describe().into_response();
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

/// Loopback, also as an IPv4-mapped IPv6 address (a dual-stack listener reports those).
fn is_local(connection: &Connection) -> bool {
    connection.peer.ip().to_canonical().is_loopback()
}

fn refuse_remote() -> Response {
    (
        StatusCode::FORBIDDEN,
        "The sandbox's fault controls answer only on this computer (loopback).",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fail_rate_is_clamped_and_malform_counts_down() {
        let faults = Faults::default();
        faults.set_fail_rate(1.5);
        assert!((faults.fail_rate() - 1.0).abs() < f64::EPSILON);
        faults.set_fail_rate(f64::NAN);
        assert!(faults.fail_rate().abs() < f64::EPSILON);
        faults.malform_next(2);
        assert!(faults.take_malform());
        assert!(faults.take_malform());
        assert!(!faults.take_malform());
    }

    #[test]
    fn control_fields_are_all_checked_before_any_change() {
        let faults = Faults::default();
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        assert!(apply(&faults, &headers, b"latency_ms=20&fail_rate=2").is_err());
        assert!(faults.latency().is_zero());
        assert!(
            apply(
                &faults,
                &headers,
                b"latency_ms=20&fail_rate=0.5&malform_next=3"
            )
            .is_ok()
        );
        assert_eq!(faults.latency(), Duration::from_millis(20));
        assert_eq!(faults.malform_left(), 3);
        assert!(apply(&faults, &headers, b"latency=20").is_err());
        assert!(apply(&faults, &headers, b"latency_ms=60001").is_err());
    }
}
