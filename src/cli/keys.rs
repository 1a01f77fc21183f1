//! `list`, `create`, `revoke` and `rotate`.

use std::io::{IsTerminal, Write as _};
use std::path::Path;

use super::args::{CreateArgs, CreateFormat, ListArgs, ListFormat, RevokeArgs, RotateArgs};
use super::confirm::{confirm, ensure_can_ask};
use super::failure::Failure;
use super::output::{self, Reveal};
use super::session::Session;
use crate::api::{
    ApiError, ApiKey, Client, ListOptions, ListProgress, NewApiKey, Secret, TokenNumber,
};
use crate::key_query::{KeyQuery, SortColumn, SortOrder, select};
use crate::pem::private_key_body;

pub fn list(session: &Session, args: &ListArgs) -> Result<(), Failure> {
    let keys = fetch_all(&session.client)?;
    let query = KeyQuery {
        text: args.filter.clone().unwrap_or_default(),
        role: args.role,
    };
    let order = SortOrder {
        column: SortColumn::Created,
        ascending: true,
    };
    let shown: Vec<&ApiKey> = select(&keys, &query, order)
        .into_iter()
        .map(|i| &keys[i])
        .collect();
    let reveal = if args.reveal {
        Reveal::Full
    } else {
        Reveal::Masked
    };
    let text = match args.format {
        ListFormat::Table if shown.is_empty() => nothing_shown(keys.is_empty(), &query),
        ListFormat::Table => output::table(&shown, reveal),
        ListFormat::Json => output::json_array(&shown, reveal) + "\n",
        ListFormat::Csv => output::csv(&shown, reveal),
    };
    output::print(&text)
}

/// The table's one line when no key is shown: an empty account, or a filter that matched none
/// (which must not read as if the account were empty).
fn nothing_shown(account_is_empty: bool, query: &KeyQuery) -> String {
    let filtered = !query.text.trim().is_empty();
    let sentence = match (account_is_empty, query.role, filtered) {
        (true, _, _) | (false, None, false) => "No API keys.".to_owned(),
        (false, None, true) => "No API keys match the filter.".to_owned(),
        (false, Some(role), false) => format!("No API keys have the role {role}."),
        (false, Some(role), true) => {
            format!("No API keys with the role {role} match the filter.")
        }
    };
    sentence + "\n"
}

/// Every key, with a progress line on a terminal when the list takes more than one page.
fn fetch_all(client: &Client) -> Result<Vec<ApiKey>, ApiError> {
    let on_terminal = std::io::stderr().is_terminal();
    let progress = |p: ListProgress| {
        if let (true, Some(total)) = (on_terminal, p.pages_total)
            && total > 1
        {
            eprint!("\rLoading API keys: page {} of {total}", p.pages_done);
            if p.pages_done >= total {
                eprint!("\r\x1b[K");
            }
        }
    };
    let listed = client.list_api_keys_with(ListOptions::default(), &progress);
    if on_terminal && listed.is_err() {
        // A list that fails part-way leaves its progress line: the error goes on a clean one.
        eprint!("\r\x1b[K");
    }
    listed
}

pub fn create(session: &Session, args: &CreateArgs) -> Result<(), Failure> {
    let new_key = NewApiKey {
        role: Some(args.role),
        name: args.name.clone(),
        customer: args.customer.clone(),
        private_key: args
            .private_key_file
            .as_deref()
            .map(read_private_key)
            .transpose()?,
    };
    let key = session.client.create_api_key(&new_key).map_err(|error| {
        create_failure(
            error,
            "The server may have created the key anyway: check with `netlicensing-keys list` before trying again.",
        )
    })?;
    print_new_key(&key, args.format).map_err(|error| {
        Failure::Other(format!(
            "The new key {} was created, but it could not be written to standard output ({}). Revoke it if it cannot be used.",
            key.masked(),
            crate::io_reason::io_reason(&error)
        ))
    })
}

/// A failed create; when the key may exist all the same, the sentence says how to find out.
fn create_failure(error: ApiError, advice: &str) -> Failure {
    if error.outcome_uncertain() {
        Failure::Uncertain {
            error,
            advice: advice.to_owned(),
        }
    } else {
        error.into()
    }
}

/// The new key in full on standard output. Unlike a list, a key that cannot be written is a
/// failure (a closed pipe too): it cannot be read back from the server later.
fn print_new_key(key: &ApiKey, format: CreateFormat) -> std::io::Result<()> {
    let text = match format {
        CreateFormat::Json => output::json_object(key, Reveal::Full),
        CreateFormat::Table => {
            let name = key.name().map(|n| format!(" '{n}'")).unwrap_or_default();
            let scope = key
                .customer()
                .map(|c| format!(", only for customer {c}"))
                .unwrap_or_default();
            eprintln!(
                "Created API key{name} with role {}{scope}:",
                key.role_label()
            );
            // The key alone on standard output, so that `$(netlicensing-keys create ...)` is the key.
            key.number.expose().to_owned()
        }
    };
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{text}").and_then(|()| stdout.flush())
}

pub fn revoke(session: &Session, args: &RevokeArgs) -> Result<(), Failure> {
    if !args.yes {
        ensure_can_ask()?;
    }
    let mut listed = None;
    let mut keys = Vec::new();
    for text in &args.keys {
        let key = find_key(&session.client, text, &mut listed)?;
        if !keys.iter().any(|k: &ApiKey| k.number == key.number) {
            keys.push(key);
        }
    }
    let question = match keys.as_slice() {
        [one] => format!(
            "Revoke {}? This cannot be undone.",
            output::describe_api_key(one)
        ),
        many => {
            let lines: Vec<String> = many
                .iter()
                .map(|k| format!("  {}", output::describe(k)))
                .collect();
            format!(
                "Revoke these {} API keys?\n{}\nThis cannot be undone.",
                many.len(),
                lines.join("\n")
            )
        }
    };
    confirm(&question, args.yes)?;
    for key in &keys {
        let number = TokenNumber::parse(key.number.expose()).map_err(ApiError::from)?;
        session.client.delete_token(&number)?;
        eprintln!("Revoked {}.", output::describe(key));
    }
    Ok(())
}

pub fn rotate(session: &Session, args: &RotateArgs) -> Result<(), Failure> {
    if !args.yes {
        ensure_can_ask()?;
    }
    let old = find_key(&session.client, &args.key, &mut None)?;
    if old.role.is_none() {
        // Without a known role the replacement would silently get the default, Licensee.
        return Err(Failure::Usage(format!(
            "Key {} has the role {}, which this program does not know, so it cannot create a replacement with the same role.",
            old.masked(),
            old.role_label()
        )));
    }
    let private_key = args
        .private_key_file
        .as_deref()
        .map(read_private_key)
        .transpose()?;
    confirm(
        &format!(
            "Rotate {}? A new key with the same role, name and customer is created and printed, then the old key is revoked.",
            output::describe(&old)
        ),
        args.yes,
    )?;
    let new_key = NewApiKey {
        role: old.role,
        name: old.name().map(str::to_owned),
        customer: old.customer().map(str::to_owned),
        private_key,
    };
    // If this fails, nothing has been revoked.
    let created = session.client.create_api_key(&new_key).map_err(|error| {
        create_failure(
            error,
            "The server may have created the new key anyway: check with `netlicensing-keys list`. The old key was not revoked.",
        )
    })?;
    // Nor if the new key cannot be handed over: the old one is then the only one usable.
    print_new_key(&created, args.format).map_err(|error| {
        Failure::Other(format!(
            "The new key {} was created, but it could not be written to standard output ({}), so the old key {} was not revoked. Revoke the new one if it cannot be used.",
            created.masked(),
            crate::io_reason::io_reason(&error),
            old.masked()
        ))
    })?;
    let number = TokenNumber::parse(old.number.expose()).map_err(ApiError::from)?;
    if let Err(error) = session.client.delete_token(&number) {
        eprintln!(
            "The new key was created, but the old key {} is still active.",
            old.masked()
        );
        return Err(error.into());
    }
    eprintln!("Revoked {}.", output::describe_old(&old));
    Ok(())
}

/// Finds a key by its full number, its last characters, or its masked form (`abc…wxyz`).
/// The full list is fetched at most once per command (`listed` keeps it).
fn find_key(
    client: &Client,
    text: &str,
    listed: &mut Option<Vec<ApiKey>>,
) -> Result<ApiKey, Failure> {
    let text = text.trim();
    let is_full_uuid = text.len() >= 32 && TokenNumber::parse(text).is_ok();
    if is_full_uuid {
        let number = TokenNumber::parse(text).map_err(ApiError::from)?;
        return Ok(client.get_api_key(&number)?);
    }
    if !is_key_text(text) {
        return Err(Failure::Usage(format!(
            "'{}' cannot be part of a key: a key has only letters, digits, '-' and '_' (or is given in the masked form the list shows, such as 3f6…7a51).",
            typed_key(text)
        )));
    }
    if text.chars().filter(char::is_ascii_alphanumeric).count() < 4 {
        return Err(Failure::Usage(format!(
            "'{text}' is too short to pick a key: give at least its last 4 characters."
        )));
    }
    if listed.is_none() {
        *listed = Some(fetch_all(client)?);
    }
    let keys = listed.as_deref().unwrap_or_default();
    let wanted = text.to_ascii_lowercase();
    let masked = wanted.split_once('…').or_else(|| wanted.split_once("..."));
    let matching: Vec<&ApiKey> = keys
        .iter()
        .filter(|key| {
            let number = key.number.expose().to_ascii_lowercase();
            match masked {
                Some((head, tail)) => number.starts_with(head) && number.ends_with(tail),
                None => number.ends_with(&wanted),
            }
        })
        .collect();
    let shown = typed_key(text);
    match matching.as_slice() {
        [one] => Ok((*one).clone()),
        [] if masked.is_some() => Err(Failure::NotFound(format!("No API key matches '{shown}'."))),
        [] => Err(Failure::NotFound(format!(
            "No API key ends with '{shown}'."
        ))),
        many => Err(Failure::Usage(format!(
            "'{shown}' matches {} keys; give more characters.",
            many.len()
        ))),
    }
}

/// Whether `text` can pick a key: a key's characters, with at most one `…` (or `...`) between
/// its first and last characters.
fn is_key_text(text: &str) -> bool {
    let key_chars = |part: &str| {
        part.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    match text.split_once('…').or_else(|| text.split_once("...")) {
        Some((head, tail)) => key_chars(head) && key_chars(tail),
        None => key_chars(text),
    }
}

/// What the user typed to pick a key, fit to show in a message: masked like a key (`abc…wxyz`)
/// when it is long enough to be one (a mistyped key in full is still most of a secret), as
/// typed when it is a short ending or already masked.
fn typed_key(text: &str) -> String {
    if text.contains('…') || text.contains("...") || text.chars().count() < 12 {
        text.to_owned()
    } else {
        crate::api::secret::mask(text)
    }
}

fn read_private_key(path: &Path) -> Result<Secret, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::Usage(format!(
            "Cannot read the private key file {}: {}.",
            path.display(),
            crate::io_reason::io_reason(&e)
        ))
    })?;
    private_key_body(&text).map_err(|reason| {
        Failure::Usage(format!(
            "The private key file {} cannot be used: {reason}.",
            path.display()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Role;

    #[test]
    fn nothing_shown_says_whether_a_filter_hid_the_keys() {
        let query = |text: &str, role| KeyQuery {
            text: text.to_owned(),
            role,
        };
        assert_eq!(nothing_shown(true, &query("x", None)), "No API keys.\n");
        assert_eq!(nothing_shown(false, &query(" ", None)), "No API keys.\n");
        assert_eq!(
            nothing_shown(false, &query("zzzz", None)),
            "No API keys match the filter.\n"
        );
        assert_eq!(
            nothing_shown(false, &query("", Some(Role::Analytics))),
            "No API keys have the role Analytics.\n"
        );
    }
}
