//! The NetLicensing response envelope (`infos` + `items`), read from JSON or XML.
//!
//! Responses are parsed by their content, not by their `Content-Type`: older servers sent some
//! bodies with the wrong header (API.md section 1).

mod json;
mod write;
mod xml;

pub use write::{write_json, write_xml};

/// The XML namespace of the envelope. Elements are matched on it, never on a prefix.
pub const XML_NAMESPACE: &str = "http://netlicensing.labs64.com/schema/context";

/// One parsed response.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Envelope {
    pub infos: Vec<Info>,
    pub items: Vec<Item>,
    /// Present on list responses; every field is optional because servers send `null`.
    pub paging: Paging,
}

impl Envelope {
    /// The first `ERROR` info, if any.
    pub fn first_error(&self) -> Option<&Info> {
        self.infos.iter().find(|info| info.kind == InfoKind::Error)
    }
}

/// One message in `infos`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Info {
    /// A machine name such as `NotFoundException`.
    pub id: String,
    pub kind: InfoKind,
    /// The human-readable message.
    pub value: String,
}

/// The `type` of an info; JSON writes it upper case, XML lower case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InfoKind {
    Error,
    Warning,
    Info,
    Other,
}

impl InfoKind {
    pub fn parse(text: &str) -> Self {
        let text = text.trim();
        if text.eq_ignore_ascii_case("error") {
            InfoKind::Error
        } else if text.eq_ignore_ascii_case("warning") {
            InfoKind::Warning
        } else if text.eq_ignore_ascii_case("info") {
            InfoKind::Info
        } else {
            InfoKind::Other
        }
    }
}

/// One entity: a type and its properties, plus nested lists.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Item {
    pub item_type: String,
    /// Name and trimmed value, in the order the server sent them.
    pub properties: Vec<(String, String)>,
    pub lists: Vec<List>,
}

impl Item {
    /// The value of the first property with this name.
    pub fn property(&self, name: &str) -> Option<&str> {
        self.properties
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A nested `list` inside an item (or inside another list).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct List {
    pub name: String,
    pub properties: Vec<(String, String)>,
    pub lists: Vec<List>,
}

/// The paging fields of a list response.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Paging {
    pub page_number: Option<u64>,
    pub items_number: Option<u64>,
    pub total_pages: Option<u64>,
    pub total_items: Option<u64>,
    pub has_next: Option<bool>,
}

impl Paging {
    pub(crate) fn number(text: Option<&str>) -> Option<u64> {
        text.and_then(|t| t.trim().parse().ok())
    }

    pub(crate) fn flag(text: Option<&str>) -> Option<bool> {
        let text = text?.trim();
        if text.eq_ignore_ascii_case("true") {
            Some(true)
        } else if text.eq_ignore_ascii_case("false") {
            Some(false)
        } else {
            None
        }
    }
}

/// Why a body is not an envelope. The message describes what came, never its full content.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("an empty body")]
    Empty,
    #[error("an HTML page (often a proxy or login portal)")]
    Html,
    #[error("broken or unexpected JSON ({0})")]
    Json(String),
    #[error("broken or unexpected XML ({0})")]
    Xml(String),
    #[error("a body that is neither JSON nor XML (it starts with {0:?})")]
    Unknown(String),
}

/// Parses a response body, JSON or XML, whichever it is.
pub fn parse(body: &[u8]) -> Result<Envelope, ParseError> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let start = body.iter().position(|b| !b.is_ascii_whitespace());
    let Some(start) = start else {
        return Err(ParseError::Empty);
    };
    let trimmed = &body[start..];
    match trimmed[0] {
        b'{' => json::parse(trimmed),
        b'<' if looks_like_html(trimmed) => Err(ParseError::Html),
        b'<' => xml::parse(trimmed),
        _ => Err(ParseError::Unknown(preview(trimmed))),
    }
}

fn looks_like_html(body: &[u8]) -> bool {
    let head: Vec<u8> = body.iter().take(64).map(u8::to_ascii_lowercase).collect();
    head.starts_with(b"<!doctype html") || head.starts_with(b"<html") || head.starts_with(b"<head")
}

/// The first few characters of a body, for an error message. Bodies that are not envelopes
/// carry no secrets we sent (we never send secrets in bodies), so a short preview is safe.
fn preview(body: &[u8]) -> String {
    String::from_utf8_lossy(&body[..body.len().min(24)])
        .chars()
        .filter(|c| !c.is_control())
        .collect()
}

#[cfg(test)]
mod tests;
