//! Answers in the live service's envelope, JSON or XML by the request's `Accept` header.
//!
//! The envelope writers are the ones the API client's tests check the reader against, so the
//! sandbox and the client share one wire format.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::header::{ACCEPT, CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::clock;
use crate::api::envelope::{Envelope, Info, InfoKind, write_json, write_xml};

/// The response format.
///
/// `application/json` gives JSON; `application/xml` and `text/xml` give XML. What the live
/// service sends without an `Accept` header is unverified (API.md section 1, "probably XML");
/// the sandbox answers XML then, and also for `*/*`, for types it does not produce, and when
/// JSON and XML are equally acceptable. JSON wins only with a higher quality value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    Json,
    Xml,
}

impl Format {
    pub(crate) fn from_headers(headers: &HeaderMap) -> Format {
        let mut json = 0.0_f32;
        let mut xml = 0.0_f32;
        let ranges = headers
            .get_all(ACCEPT)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','));
        for range in ranges {
            let mut parts = range.split(';');
            let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let quality = parts
                .filter_map(|param| param.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            match media.as_str() {
                "application/json" => json = json.max(quality),
                "application/xml" | "text/xml" | "*/*" | "application/*" | "text/*" => {
                    xml = xml.max(quality);
                }
                _ => {}
            }
        }
        if json > 0.0 && json > xml {
            Format::Json
        } else {
            Format::Xml
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json; charset=utf-8",
            Format::Xml => "application/xml; charset=utf-8",
        }
    }

    /// The envelope as a response body.
    pub(crate) fn write(self, envelope: &Envelope, ttl: Option<&str>) -> String {
        match self {
            Format::Json => write_json(envelope, ttl),
            Format::Xml => write_xml(envelope, ttl),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Format {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Format::from_headers(&parts.headers))
    }
}

/// A successful answer.
pub(crate) enum Reply {
    /// 200 with this envelope.
    Envelope(Envelope),
    /// 204 with an empty body (a deletion).
    NoContent,
}

/// An error answer: status, the info's `id` and its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub status: StatusCode,
    pub id: &'static str,
    pub message: String,
}

impl Failure {
    /// 400: the request itself is wrong.
    pub(crate) fn malformed(message: impl Into<String>) -> Self {
        Failure {
            status: StatusCode::BAD_REQUEST,
            id: "MalformedRequestException",
            message: message.into(),
        }
    }

    /// 400: a referenced entity does not exist (API.md section 5: 400, not 404).
    pub(crate) fn entity_not_found(message: impl Into<String>) -> Self {
        Failure {
            status: StatusCode::BAD_REQUEST,
            id: "NotFoundException",
            message: message.into(),
        }
    }

    /// 401, with the message the live service sends.
    pub(crate) fn unauthorized() -> Self {
        Failure {
            status: StatusCode::UNAUTHORIZED,
            id: "NotAuthorizedException",
            message: "Unauthorized".to_owned(),
        }
    }

    /// 403: valid credentials that may not do this. The live `id` is unverified.
    pub(crate) fn forbidden(message: impl Into<String>) -> Self {
        Failure {
            status: StatusCode::FORBIDDEN,
            id: "AccessDeniedException",
            message: message.into(),
        }
    }

    /// 404: no such resource (path or method).
    pub(crate) fn no_such_resource() -> Self {
        Failure {
            status: StatusCode::NOT_FOUND,
            id: "NotFoundException",
            message: "There is no such resource in the NetLicensing API.".to_owned(),
        }
    }

    /// 500.
    pub(crate) fn server(message: impl Into<String>) -> Self {
        Failure {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            id: "ServiceException",
            message: message.into(),
        }
    }

    pub(crate) fn envelope(&self) -> Envelope {
        Envelope {
            infos: vec![Info {
                id: self.id.to_owned(),
                kind: InfoKind::Error,
                value: self.message.clone(),
            }],
            ..Envelope::default()
        }
    }

    pub(crate) fn into_response(self, format: Format) -> Response {
        let mut response = body_response(self.status, format, format.write(&self.envelope(), None));
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"NetLicensing\""),
            );
        }
        response
    }
}

/// What a handler returns: its outcome, rendered in the negotiated format.
pub(crate) struct Answer {
    pub format: Format,
    pub outcome: Result<Reply, Failure>,
}

impl Answer {
    pub(crate) fn new(format: Format, outcome: Result<Reply, Failure>) -> Self {
        Answer { format, outcome }
    }
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        match self.outcome {
            Ok(Reply::Envelope(envelope)) => {
                let ttl = clock::from_now(clock::HALF_AN_HOUR);
                let body = self.format.write(&envelope, Some(&ttl));
                body_response(StatusCode::OK, self.format, body)
            }
            Ok(Reply::NoContent) => StatusCode::NO_CONTENT.into_response(),
            Err(failure) => failure.into_response(self.format),
        }
    }
}

fn body_response(status: StatusCode, format: Format, body: String) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn negotiate(accept: &[&str]) -> Format {
        let mut headers = HeaderMap::new();
        for value in accept {
            headers.append(
                ACCEPT,
                HeaderValue::from_str(value).unwrap_or_else(|e| panic!("{e}")),
            );
        }
        Format::from_headers(&headers)
    }

    #[test]
    fn json_only_when_asked_for_more_than_xml() {
        assert_eq!(negotiate(&["application/json"]), Format::Json);
        assert_eq!(
            negotiate(&["Application/JSON; charset=utf-8"]),
            Format::Json
        );
        assert_eq!(negotiate(&["application/json, */*;q=0.1"]), Format::Json);
        assert_eq!(negotiate(&["text/html", "application/json"]), Format::Json);
        assert_eq!(negotiate(&[]), Format::Xml);
        assert_eq!(negotiate(&["*/*"]), Format::Xml);
        assert_eq!(negotiate(&["application/xml"]), Format::Xml);
        assert_eq!(negotiate(&["text/xml"]), Format::Xml);
        assert_eq!(
            negotiate(&["application/json;q=0.5, application/xml"]),
            Format::Xml
        );
        assert_eq!(
            negotiate(&["application/json, application/xml"]),
            Format::Xml
        );
        assert_eq!(negotiate(&["application/json;q=0"]), Format::Xml);
        assert_eq!(negotiate(&["text/html"]), Format::Xml);
    }

    #[test]
    fn unauthorized_carries_the_basic_challenge() {
        let response = Failure::unauthorized().into_response(Format::Json);
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            response.headers().get(WWW_AUTHENTICATE),
            Some(&HeaderValue::from_static("Basic realm=\"NetLicensing\""))
        );
        assert_eq!(
            response.headers().get(CONTENT_TYPE),
            Some(&HeaderValue::from_static("application/json; charset=utf-8"))
        );
    }
}
