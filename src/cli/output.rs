//! Printing keys as a table, JSON or CSV.

use std::io::Write as _;

use serde::Serialize;
use unicode_width::{UnicodeWidthChar as _, UnicodeWidthStr as _};

use super::failure::Failure;
use crate::api::ApiKey;

/// Writes results to standard output. `print!` would panic when the reader has gone away
/// (`netlicensing-keys list | head -1`); a closed pipe just ends the output here, quietly.
pub fn print(text: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::Other(format!(
                "Could not write to standard output: {}.",
                crate::io_reason::io_reason(&error)
            )))
        }
        _ => Ok(()),
    }
}

/// How a key's number is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reveal {
    Masked,
    Full,
}

/// One key as `--format json` and csv show it. The field names are part of the interface.
#[derive(Serialize)]
struct KeyRecord<'a> {
    number: String,
    name: Option<&'a str>,
    /// The RoleID as the server sent it.
    role: Option<&'a str>,
    active: bool,
    customer: Option<&'a str>,
    created: Option<&'a str>,
    extra: &'a std::collections::BTreeMap<String, String>,
}

impl<'a> KeyRecord<'a> {
    fn new(key: &'a ApiKey, reveal: Reveal) -> Self {
        KeyRecord {
            number: shown_number(key, reveal),
            name: key.name(),
            role: key.role_id(),
            active: key.active,
            customer: key.customer(),
            created: key.created(),
            // `ApiKey` never keeps `privateKey`, so `extra` cannot carry it.
            extra: key.extra(),
        }
    }
}

fn shown_number(key: &ApiKey, reveal: Reveal) -> String {
    match reveal {
        Reveal::Masked => key.masked(),
        Reveal::Full => key.number.expose().to_owned(),
    }
}

pub fn json_array(keys: &[&ApiKey], reveal: Reveal) -> String {
    let records: Vec<KeyRecord> = keys.iter().map(|key| KeyRecord::new(key, reveal)).collect();
    serde_json::to_string_pretty(&records).unwrap_or_else(|_| "[]".to_owned())
}

pub fn json_object(key: &ApiKey, reveal: Reveal) -> String {
    serde_json::to_string_pretty(&KeyRecord::new(key, reveal)).unwrap_or_else(|_| "{}".to_owned())
}

pub fn csv(keys: &[&ApiKey], reveal: Reveal) -> String {
    let mut out = String::from("number,name,role,active,customer,created,extra\n");
    for key in keys {
        let record = KeyRecord::new(key, reveal);
        let extra = if key.extra().is_empty() {
            String::new()
        } else {
            serde_json::to_string(record.extra).unwrap_or_default()
        };
        let fields = [
            record.number.as_str(),
            record.name.unwrap_or(""),
            record.role.unwrap_or(""),
            if record.active { "true" } else { "false" },
            record.customer.unwrap_or(""),
            record.created.unwrap_or(""),
            extra.as_str(),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

/// RFC 4180 quoting: only where needed, quotes doubled.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) || text.starts_with(' ') || text.ends_with(' ') {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// The widest a table cell other than the key gets, in terminal columns: one long name must not
/// push every row off the screen. json and csv keep the full value.
pub const MAX_CELL_WIDTH: usize = 40;

/// An aligned table for people. Missing values show as a dash; long values are cut with "…";
/// widths are what a terminal shows (名 takes two columns).
pub fn table(keys: &[&ApiKey], reveal: Reveal) -> String {
    let header = ["KEY", "NAME", "ROLE", "CUSTOMER", "CREATED", "ACTIVE"].map(str::to_owned);
    let rows = keys.iter().map(|key| {
        [
            // A revealed key is shown whole: that is what --reveal is for.
            shown_number(key, reveal),
            cell(&dash(key.name())),
            cell(key.role_label()),
            cell(&dash(key.customer())),
            cell(&dash(key.created())),
            if key.active { "yes" } else { "no" }.to_owned(),
        ]
    });
    let rows: Vec<[String; 6]> = std::iter::once(header).chain(rows).collect();
    aligned(&rows)
}

/// Rows as aligned columns, two spaces apart, each as wide as a terminal shows its widest cell
/// (名 takes two columns); nothing trails a line.
pub fn aligned<const N: usize>(rows: &[[String; N]]) -> String {
    let mut widths = [0; N];
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.width());
        }
    }
    let mut out = String::new();
    for row in rows {
        let padded: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, width)| {
                let fill = width.saturating_sub(cell.width());
                format!("{cell}{}", " ".repeat(fill))
            })
            .collect();
        out.push_str(padded.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// A value fit for one table cell: control characters (a line break in a name would break the
/// row) become spaces, and anything wider than [`MAX_CELL_WIDTH`] is cut, ending in "…".
fn cell(text: &str) -> String {
    let text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.width() <= MAX_CELL_WIDTH {
        return text;
    }
    let mut cut = String::new();
    let mut width = 0;
    for c in text.chars() {
        let char_width = c.width().unwrap_or(0);
        // One column is kept for the "…".
        if width + char_width >= MAX_CELL_WIDTH {
            break;
        }
        width += char_width;
        cut.push(c);
    }
    cut.push('…');
    cut
}

fn dash(value: Option<&str>) -> String {
    value.filter(|v| !v.is_empty()).unwrap_or("-").to_owned()
}

/// One key described in a sentence: name, role and the masked key ("'CRM export' (Analytics,
/// e2a…3a84)", "the unnamed key (Licensee, 5b0…4b10)").
pub fn describe(key: &ApiKey) -> String {
    described(key, "", "the unnamed key")
}

/// The same after "Revoke": "API key 'CRM export' (…)", "the unnamed API key (…)".
pub fn describe_api_key(key: &ApiKey) -> String {
    described(key, "API key ", "the unnamed API key")
}

/// The same for the key a rotation replaced: "the old key 'Billing sync' (…)", "the old unnamed
/// key (…)".
pub fn describe_old(key: &ApiKey) -> String {
    described(key, "the old key ", "the old unnamed key")
}

fn described(key: &ApiKey, before_name: &str, unnamed: &str) -> String {
    let details = format!("({}, {})", key.role_label(), key.masked());
    match key.name() {
        Some(name) => format!("{before_name}'{name}' {details}"),
        None => format!("{unnamed} {details}"),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::api::{KeyDetails, Role, Secret};

    fn key() -> ApiKey {
        let details = KeyDetails {
            name: Some("CRM, \"export\""),
            ..KeyDetails::default()
        };
        ApiKey::new(
            Secret::new("5b0f3d2e-8c41-4e6a-9f57-2d7c1a9e4b10"),
            Some(Role::Analytics),
            details,
        )
        .with_extra(BTreeMap::from([("color".to_owned(), "blue".to_owned())]))
    }

    #[test]
    fn csv_quotes_where_needed_and_masks() {
        let key = key();
        let out = csv(&[&key], Reveal::Masked);
        assert_eq!(
            out,
            "number,name,role,active,customer,created,extra\n5b0…4b10,\"CRM, \"\"export\"\"\",ROLE_APIKEY_ANALYTICS,true,,,\"{\"\"color\"\":\"\"blue\"\"}\"\n"
        );
    }

    #[test]
    fn json_has_the_documented_fields() {
        let key = key();
        let value: serde_json::Value =
            serde_json::from_str(&json_array(&[&key], Reveal::Full)).unwrap_or_default();
        let first = &value[0];
        assert_eq!(first["number"], "5b0f3d2e-8c41-4e6a-9f57-2d7c1a9e4b10");
        assert_eq!(first["role"], "ROLE_APIKEY_ANALYTICS");
        assert_eq!(first["active"], true);
        assert!(first["customer"].is_null());
        assert!(first["created"].is_null());
        assert_eq!(first["extra"]["color"], "blue");
    }

    fn named(name: &str, customer: &str) -> ApiKey {
        let details = KeyDetails {
            name: Some(name),
            customer: Some(customer),
            ..KeyDetails::default()
        };
        ApiKey::new(
            Secret::new("91c7e5a0-3f2b-4d18-8e6c-b4a0d2f7c953"),
            Some(Role::Licensee),
            details,
        )
    }

    #[test]
    fn table_cuts_long_cells_and_measures_wide_characters() {
        let long = "n".repeat(600);
        let keys = [
            named(&long, "I042-ACME"),
            named("ACME Ünïcode 名", "顧客-名前"),
            named("plain", "line\nbreak"),
        ];
        let refs: Vec<&ApiKey> = keys.iter().collect();
        let out = table(&refs, Reveal::Masked);
        let lines: Vec<&str> = out.lines().collect();
        assert!(
            lines[1].contains(&format!("{}…  Licensee", "n".repeat(39))),
            "{out}"
        );
        assert!(lines.iter().all(|l| l.width() < 120), "{out}");
        // The ROLE column starts at the same terminal column on every line.
        let role_at = |line: &str| line[..line.find("Licensee").unwrap_or(0)].width();
        assert_eq!(role_at(lines[1]), role_at(lines[2]), "{out}");
        assert_eq!(role_at(lines[1]), role_at(lines[3]), "{out}");
        let created_at = |line: &str| line[..line.rfind(" -").unwrap_or(0)].width();
        assert_eq!(created_at(lines[1]), created_at(lines[2]), "{out}");
        assert_eq!(created_at(lines[2]), created_at(lines[3]), "{out}");
        assert!(lines[3].contains("line break"), "{out}");
    }

    #[test]
    fn a_cut_never_splits_a_wide_character_past_the_limit() {
        let text = "名".repeat(30);
        let cut = cell(&text);
        assert!(cut.width() <= MAX_CELL_WIDTH, "{cut}");
        assert!(cut.ends_with('…'));
        assert_eq!(cell("short"), "short");
    }

    #[test]
    fn table_aligns_and_dashes() {
        let key = key();
        let out = table(&[&key], Reveal::Masked);
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[0].starts_with("KEY       NAME"));
        assert!(lines[1].starts_with("5b0…4b10  CRM, \"export\"  Analytics  -"));
    }
}
