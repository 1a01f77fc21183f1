//! The blocking HTTP client for the token endpoints.
//!
//! Blocking on purpose: the GUI runs every call on a worker thread and the command line is
//! sequential, so an async runtime would add weight and nothing else.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::blocking::{RequestBuilder, Response};
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue, USER_AGENT};
use reqwest::{Method, Url};

use super::credentials::Credentials;
use super::envelope::{self, Envelope};
use super::error::ApiError;
use super::retry::{Retry, worth_retrying};
use super::token::{API_KEY_TOKEN_TYPE, ApiKey, NewApiKey, TokenNumber};
use super::transport;

/// Connection settings that are not credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientConfig {
    /// For example `https://go.netlicensing.io/core/v2/rest`.
    pub base_url: String,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// An HTTPS proxy (`http://proxy:3128`), in addition to `HTTPS_PROXY` from the environment.
    pub proxy: Option<String>,
    /// A PEM file with extra CA certificates (corporate TLS inspection), trusted beside the OS store.
    pub extra_ca_file: Option<PathBuf>,
}

impl ClientConfig {
    pub fn new(base_url: impl Into<String>) -> Self {
        ClientConfig {
            base_url: base_url.into(),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            proxy: None,
            extra_ca_file: None,
        }
    }
}

/// A NetLicensing client for one account.
#[derive(Clone)]
pub struct Client {
    http: reqwest::blocking::Client,
    base: Url,
    host: String,
    authorization: HeaderValue,
    credentials: Credentials,
    request_timeout: Duration,
    retry: Retry,
    /// The configured proxy, without credentials, for messages.
    via_proxy: Option<String>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base.as_str())
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

/// Characters left as they are in a path segment; everything else is percent-encoded.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_');

impl Client {
    pub fn new(config: &ClientConfig, credentials: Credentials) -> Result<Self, ApiError> {
        let base = parse_base_url(&config.base_url)?;
        let host = host_label(&base);
        let mut builder = reqwest::blocking::Client::builder()
            .use_rustls_tls()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .redirect(reqwest::redirect::Policy::none());
        let proxy = config
            .proxy
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty());
        // Checked even where it is not used (loopback), so that a bad setting shows at once.
        if let Some(proxy) = proxy {
            super::proxy::validate_proxy(proxy).map_err(ApiError::Config)?;
        }
        let mut via_proxy = None;
        if is_loopback(&base) {
            // The sandbox and test servers are local: a proxy from the environment must not
            // intercept them.
            builder = builder.no_proxy();
        } else if let Some(proxy) = proxy {
            let label = super::proxy::proxy_label(proxy);
            let reqwest_proxy = reqwest::Proxy::https(proxy)
                .map_err(|_| ApiError::Config(format!("the proxy address {label} is not usable")))?
                .no_proxy(reqwest::NoProxy::from_env());
            builder = builder.proxy(reqwest_proxy);
            via_proxy = Some(label);
        }
        if let Some(path) = &config.extra_ca_file {
            for certificate in transport::read_certificates(path)? {
                builder = builder.add_root_certificate(certificate);
            }
        }
        let http = builder
            .build()
            .map_err(|e| ApiError::Config(transport::innermost(&e)))?;
        let mut authorization = HeaderValue::from_str(credentials.authorization_header().expose())
            .map_err(|_| {
                ApiError::Config("the credentials contain characters a header cannot carry".into())
            })?;
        authorization.set_sensitive(true);
        Ok(Client {
            http,
            base,
            host,
            authorization,
            credentials,
            request_timeout: config.request_timeout,
            retry: Retry::NONE,
            via_proxy,
        })
    }

    /// The same client, trying calls that only read again as `retry` says ([`Retry`]).
    #[must_use]
    pub fn with_retry(mut self, retry: Retry) -> Self {
        self.retry = retry;
        self
    }

    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    pub fn base_url(&self) -> &str {
        self.base.as_str().trim_end_matches('/')
    }

    /// One page of tokens of type `APIKEY` (tokens of other types are dropped even when the
    /// server ignored the filter). `page` is 0-based.
    pub fn list_page(&self, page: u64, items: u32) -> Result<KeyPage, ApiError> {
        let envelope = self.list_page_envelope(page, items)?;
        Ok(KeyPage {
            keys: envelope
                .items
                .iter()
                .filter_map(ApiKey::from_item)
                .collect(),
            paging: envelope.paging,
        })
    }

    /// One page of the token list as it came: the listing turns items into keys itself.
    pub(crate) fn list_page_envelope(&self, page: u64, items: u32) -> Result<Envelope, ApiError> {
        let filter = format!("tokenType={API_KEY_TOKEN_TYPE};page={page};items={items}");
        let request = self
            .request(Method::GET, &["token"])
            .query(&[("filter", filter.as_str())]);
        self.send(request, &format!("GET /token page {page}"))
    }

    /// One API key by its number.
    pub fn get_api_key(&self, number: &TokenNumber) -> Result<ApiKey, ApiError> {
        let request = self.request(Method::GET, &["token", number.expose()]);
        let envelope = self.send(request, &format!("GET /token/{}", number.masked()))?;
        envelope
            .items
            .iter()
            .find_map(ApiKey::from_item)
            .ok_or(ApiError::NotFound {
                server: Some(format!("{} is not an API key", number.masked())),
            })
    }

    /// Creates an API key and returns it, number included.
    pub fn create_api_key(&self, new_key: &NewApiKey) -> Result<ApiKey, ApiError> {
        let mut form: Vec<(&str, &str)> = vec![("tokenType", API_KEY_TOKEN_TYPE)];
        if let Some(role) = new_key.role {
            form.push(("apiKeyRole", role.id()));
        }
        let fields = [
            ("name", new_key.name.as_deref()),
            ("licenseeNumber", new_key.customer.as_deref()),
            (
                "privateKey",
                new_key.private_key.as_ref().map(super::Secret::expose),
            ),
        ];
        // Empty form fields are never sent: the service has answered them with errors.
        form.extend(fields.into_iter().filter_map(|(name, value)| {
            let value = value?.trim();
            (!value.is_empty()).then_some((name, value))
        }));
        // The service's own name for a creation date is unverified (API.md section 6), so the
        // date is also recorded as a custom property, the way `name` is: keys created here
        // then show their date in any client.
        let created = now_rfc3339();
        form.push(("createdAt", created.as_str()));
        let request = self.request(Method::POST, &["token"]).form(&form);
        let envelope = self.send(request, "POST /token")?;
        envelope
            .items
            .iter()
            .find_map(ApiKey::from_item)
            .ok_or_else(|| ApiError::Unreadable {
                status: 200,
                what: "an answer that holds no API key".to_owned(),
            })
    }

    /// Deletes (revokes) a token. Any 2xx counts as done.
    pub fn delete_token(&self, number: &TokenNumber) -> Result<(), ApiError> {
        let request = self.request(Method::DELETE, &["token", number.expose()]);
        self.send(request, &format!("DELETE /token/{}", number.masked()))
            .map(drop)
    }

    /// The cheap credential check: `GET /utility/licensingModels`.
    /// 401 means bad credentials; 403 means valid but not allowed to read.
    pub fn check_credentials(&self) -> Result<(), ApiError> {
        let request = self.request(Method::GET, &["utility", "licensingModels"]);
        self.send(request, "GET /utility/licensingModels").map(drop)
    }

    fn request(&self, method: Method, segments: &[&str]) -> RequestBuilder {
        let mut url = self.base_url().to_owned();
        for segment in segments {
            url.push('/');
            url.extend(utf8_percent_encode(segment, PATH_SEGMENT));
        }
        self.http
            .request(method, url)
            .header(ACCEPT, "application/json")
            .header(
                USER_AGENT,
                concat!("netlicensing-keys/", env!("CARGO_PKG_VERSION")),
            )
            .header(AUTHORIZATION, self.authorization.clone())
    }

    /// Sends a request and reads the answer; a GET is tried again as [`Retry`] allows. `what`
    /// names the call in logs, with keys masked.
    fn send(&self, request: RequestBuilder, what: &str) -> Result<Envelope, ApiError> {
        let request = request
            .build()
            .map_err(|e| ApiError::Config(transport::innermost(&e)))?;
        let retries = if request.method() == Method::GET {
            self.retry.retries
        } else {
            0
        };
        let mut delay = self.retry.first_delay;
        let mut attempt = 0;
        let mut next = request;
        loop {
            // A GET has no body, so it can always be copied before it is sent.
            let copy = if attempt < retries {
                next.try_clone()
            } else {
                None
            };
            match (self.send_once(next, what), copy) {
                (Err(error), Some(copy)) if worth_retrying(&error) => {
                    attempt += 1;
                    tracing::info!(
                        call = what,
                        attempt,
                        %error,
                        "trying the call again in {} ms",
                        delay.as_millis()
                    );
                    std::thread::sleep(delay);
                    delay = delay.saturating_mul(2);
                    next = copy;
                }
                (outcome, _) => return outcome,
            }
        }
    }

    fn send_once(
        &self,
        request: reqwest::blocking::Request,
        what: &str,
    ) -> Result<Envelope, ApiError> {
        let started = Instant::now();
        let outcome = self
            .http
            .execute(request)
            .map_err(|e| self.transport_error(&e))
            .and_then(|response| self.read(response));
        let millis = started.elapsed().as_millis();
        match &outcome {
            Ok(_) => tracing::debug!(call = what, millis, "NetLicensing call succeeded"),
            Err(error) => tracing::info!(call = what, millis, %error, "NetLicensing call failed"),
        }
        outcome
    }

    /// A failure to connect through the configured proxy is the proxy's (refused, no such name,
    /// refused CONNECT), and names it; TLS with the server behind it is the server's.
    fn transport_error(&self, error: &reqwest::Error) -> ApiError {
        let classified = transport::classify(error, &self.host, self.request_timeout);
        match &self.via_proxy {
            Some(proxy) if error.is_connect() && !matches!(classified, ApiError::Tls { .. }) => {
                let detail = match classified {
                    ApiError::ConnectionRefused { .. } => "it refused the connection".to_owned(),
                    ApiError::Dns { .. } => "its host name was not found".to_owned(),
                    ApiError::Timeout { .. } => "it did not answer in time".to_owned(),
                    _ => transport::innermost(error),
                };
                ApiError::Proxy {
                    proxy: proxy.clone(),
                    detail,
                }
            }
            _ => classified,
        }
    }

    fn read(&self, response: Response) -> Result<Envelope, ApiError> {
        let status = response.status().as_u16();
        let body = response
            .bytes()
            .map_err(|e| transport::classify(&e, &self.host, self.request_timeout))?;
        interpret(status, &body)
    }
}

/// One page of a key list.
#[derive(Debug, Clone)]
pub struct KeyPage {
    pub keys: Vec<ApiKey>,
    pub paging: envelope::Paging,
}

/// Turns a status and a body into an envelope or the error they mean.
pub(crate) fn interpret(status: u16, body: &[u8]) -> Result<Envelope, ApiError> {
    let success = (200..300).contains(&status);
    if success && body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Envelope::default());
    }
    let parsed = envelope::parse(body);
    let envelope = match parsed {
        Ok(envelope) => envelope,
        Err(_) if status == 401 => return Err(ApiError::BadCredentials { server: None }),
        Err(_) if status == 403 => return Err(ApiError::PermissionDenied { server: None }),
        Err(error) if status == 404 => {
            return Err(ApiError::NoApiHere {
                what: error.to_string(),
            });
        }
        Err(error) => return Err(ApiError::unreadable(status, &error)),
    };
    let error = envelope.first_error();
    let server = error.map(|info| info.value.clone());
    let not_found = error.is_some_and(|info| info.id == "NotFoundException");
    match status {
        // A 2xx can still carry an ERROR info (validation does this): for our calls that is a
        // failure.
        200..=299 if error.is_none() => Ok(envelope),
        200..=299 | 400 if not_found => Err(ApiError::NotFound { server }),
        200..=299 | 400 => Err(ApiError::InvalidInput { server }),
        401 => Err(ApiError::BadCredentials { server }),
        402 => Err(ApiError::Quota { server }),
        403 => Err(ApiError::PermissionDenied { server }),
        404 => Err(ApiError::NotFound { server }),
        500..=599 => Err(ApiError::Server { status, server }),
        _ => Err(ApiError::UnexpectedStatus { status, server }),
    }
}

/// The current time as RFC 3339 in UTC, to the second.
fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc();
    now.replace_nanosecond(0)
        .unwrap_or(now)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Checks the base URL: http(s) only, and https unless it points at this computer.
pub fn parse_base_url(text: &str) -> Result<Url, ApiError> {
    let text = text.trim();
    let url = Url::parse(text).map_err(|e| ApiError::InvalidBaseUrl {
        reason: url_parse_reason(e),
    })?;
    if url.cannot_be_a_base() || url.host().is_none() {
        return Err(ApiError::InvalidBaseUrl {
            reason: "it has no host name".into(),
        });
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ApiError::InvalidBaseUrl {
            reason: "credentials do not belong in the URL; enter them in the settings".into(),
        });
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(ApiError::InvalidBaseUrl {
            reason: "it must not have a query (?…) or fragment (#…)".into(),
        });
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(ApiError::InsecureBaseUrl),
        other => Err(ApiError::InvalidBaseUrl {
            reason: format!("it must start with https://, not {other}://"),
        }),
    }
}

/// Why a text is not a URL, said for people rather than in the `url` crate's terms.
fn url_parse_reason(error: url::ParseError) -> String {
    use url::ParseError;
    match error {
        ParseError::RelativeUrlWithoutBase | ParseError::RelativeUrlWithCannotBeABaseBase => {
            format!(
                "it must be a full address such as {}",
                super::DEFAULT_BASE_URL
            )
        }
        ParseError::EmptyHost => "it has no host name".to_owned(),
        ParseError::InvalidPort => "the port must be a number from 1 to 65535".to_owned(),
        ParseError::InvalidIpv4Address | ParseError::InvalidIpv6Address => {
            "its IP address is not valid".to_owned()
        }
        ParseError::InvalidDomainCharacter | ParseError::IdnaError => {
            "its host name has characters a host name cannot have".to_owned()
        }
        other => other.to_string(),
    }
}

/// Whether a URL points at this computer.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// `host` or `host:port`, for error messages.
fn host_label(url: &Url) -> String {
    let host = url.host_str().unwrap_or("the server");
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

#[cfg(test)]
mod tests;
