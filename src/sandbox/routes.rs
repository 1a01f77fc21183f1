//! The HTTP routes and their handlers: the token service and the licensing-model list.
//!
//! Every handler runs the checks in the live service's order: credentials (401), permission
//! (403), then the request itself (400), then the change.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{FromRef, Path, RawQuery, Request, State};
use axum::http::HeaderMap;
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::Response;
use axum::routing::get;

use super::auth::{self, Action};
use super::data_file::{DataFile, Snapshot};
use super::faults::{self, CONTROL_PATH, Faults};
use super::filter::ListQuery;
use super::form;
use super::render::{Answer, Failure, Format, Reply};
use super::store::Store;
use super::token::TokenType;
use crate::api::envelope::{Envelope, Item, Paging};
use crate::api::secret::mask;
use crate::api::token::TokenNumber;

/// What every handler shares.
#[derive(Clone)]
pub(crate) struct AppState {
    pub store: Arc<Mutex<Store>>,
    pub data_file: Option<Arc<DataFile>>,
    pub faults: Arc<Faults>,
}

impl FromRef<AppState> for Arc<Faults> {
    fn from_ref(state: &AppState) -> Self {
        Arc::clone(&state.faults)
    }
}

impl AppState {
    /// The store. Never held across an `.await`: handlers take it in a block.
    fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A snapshot to save, when there is a data file; take it under the same lock as the change.
    fn snapshot(&self, store: &Store) -> Option<Snapshot> {
        self.data_file.as_ref().map(|_| DataFile::snapshot(store))
    }

    /// Writes the snapshot before the answer goes out, so an answered change survives a stop.
    async fn save(&self, snapshot: Option<Snapshot>) -> Result<(), Failure> {
        let (Some(file), Some(snapshot)) = (self.data_file.clone(), snapshot) else {
            return Ok(());
        };
        let written = tokio::task::spawn_blocking(move || {
            file.save(&snapshot)
                .map_err(|error| (file.path().display().to_string(), error))
        })
        .await;
        match written {
            Ok(Ok(())) => Ok(()),
            Ok(Err((path, error))) => {
                tracing::error!(path, %error, "the sandbox could not save its data file");
                Err(Failure::server("The sandbox could not save its data file."))
            }
            Err(error) => {
                tracing::error!(%error, "the sandbox's save task failed");
                Err(Failure::server("The sandbox could not save its data file."))
            }
        }
    }
}

/// The licensing models `GET /utility/licensingModels` lists.
const LICENSING_MODELS: [&str; 9] = [
    "TryAndBuy",
    "Subscription",
    "Rental",
    "Floating",
    "MultiFeature",
    "PayPerUse",
    "PricingTable",
    "Quota",
    "NodeLocked",
];

pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/core/v2/rest/token", get(list_tokens).post(create_token))
        .route(
            "/core/v2/rest/token/{number}",
            get(get_token).delete(delete_token),
        )
        .route(
            "/core/v2/rest/utility/licensingModels",
            get(licensing_models),
        )
        .route(CONTROL_PATH, get(faults::show).post(faults::update))
        // After every route: it applies to the routes that exist when it is called.
        .method_not_allowed_fallback(no_such_resource)
        .fallback(no_such_resource)
        .layer(from_fn_with_state(
            Arc::clone(&state.faults),
            faults::inject,
        ))
        .layer(from_fn(log_request))
        .with_state(state)
}

async fn list_tokens(
    State(app): State<AppState>,
    format: Format,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Answer {
    Answer::new(format, list(&app, &headers, query.as_deref()))
}

fn list(app: &AppState, headers: &HeaderMap, query: Option<&str>) -> Result<Reply, Failure> {
    let store = app.store();
    let caller = auth::authenticate(headers, &store)?;
    auth::authorize(caller, Action::ManageTokens)?;
    let query = ListQuery::parse(query)?;
    let page = store.page(query.token_type, query.page, query.items);
    let items: Vec<Item> = page.tokens.iter().map(|token| token.to_item()).collect();
    let total_items = page.total_items;
    drop(store);
    let total_pages = total_items.div_ceil(query.items as u64);
    Ok(Reply::Envelope(Envelope {
        infos: Vec::new(),
        paging: Paging {
            page_number: Some(query.page),
            items_number: Some(items.len() as u64),
            total_pages: Some(total_pages),
            total_items: Some(total_items),
            has_next: Some(query.page.saturating_add(1) < total_pages),
        },
        items,
    }))
}

async fn get_token(
    State(app): State<AppState>,
    format: Format,
    headers: HeaderMap,
    number: Result<Path<String>, PathRejection>,
) -> Answer {
    Answer::new(format, get_one(&app, &headers, number))
}

fn get_one(
    app: &AppState,
    headers: &HeaderMap,
    number: Result<Path<String>, PathRejection>,
) -> Result<Reply, Failure> {
    let store = app.store();
    let caller = auth::authenticate(headers, &store)?;
    auth::authorize(caller, Action::ManageTokens)?;
    let number = token_number(number)?;
    let token = store.get(&number).ok_or_else(|| no_such_token(&number))?;
    Ok(Reply::Envelope(single(token.to_item())))
}

async fn delete_token(
    State(app): State<AppState>,
    format: Format,
    headers: HeaderMap,
    number: Result<Path<String>, PathRejection>,
) -> Answer {
    Answer::new(format, delete(&app, &headers, number).await)
}

async fn delete(
    app: &AppState,
    headers: &HeaderMap,
    number: Result<Path<String>, PathRejection>,
) -> Result<Reply, Failure> {
    let (number, snapshot) = {
        let mut store = app.store();
        let caller = auth::authenticate(headers, &store)?;
        auth::authorize(caller, Action::ManageTokens)?;
        let number = token_number(number)?;
        store
            .remove(&number)
            .ok_or_else(|| no_such_token(&number))?;
        let snapshot = app.snapshot(&store);
        (number, snapshot)
    };
    app.save(snapshot).await?;
    tracing::info!(number = %mask(&number), "token deleted");
    Ok(Reply::NoContent)
}

async fn create_token(
    State(app): State<AppState>,
    format: Format,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    Answer::new(format, create(&app, &headers, body).await)
}

async fn create(
    app: &AppState,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Reply, Failure> {
    let caller = auth::authenticate(headers, &app.store())?;
    let body = body.map_err(|_| Failure::malformed("The request body could not be read."))?;
    let fields = form::parse(headers, &body)?;
    let token_type = form::requested_type(&fields)?;
    let action = match token_type {
        TokenType::Shop => Action::CreateShopToken,
        _ => Action::ManageTokens,
    };
    auth::authorize(caller, action)?;
    let number = uuid::Uuid::new_v4().hyphenated().to_string();
    let token = form::new_token(token_type, fields, number)?;
    let item = token.to_item();
    let masked = mask(&token.number);
    let snapshot = {
        let mut store = app.store();
        store
            .insert(token)
            .map_err(|_| Failure::server("A new token number collided with an existing one."))?;
        app.snapshot(&store)
    };
    app.save(snapshot).await?;
    tracing::info!(number = %masked, token_type = token_type.as_str(), "token created");
    Ok(Reply::Envelope(single(item)))
}

async fn licensing_models(
    State(app): State<AppState>,
    format: Format,
    headers: HeaderMap,
) -> Answer {
    Answer::new(format, models(&app, &headers))
}

fn models(app: &AppState, headers: &HeaderMap) -> Result<Reply, Failure> {
    let caller = auth::authenticate(headers, &app.store())?;
    auth::authorize(caller, Action::ReadUtility)?;
    let items: Vec<Item> = LICENSING_MODELS
        .iter()
        .map(|name| Item {
            item_type: "LicensingModelProperties".to_owned(),
            properties: vec![("name".to_owned(), (*name).to_owned())],
            lists: Vec::new(),
        })
        .collect();
    let count = items.len() as u64;
    Ok(Reply::Envelope(Envelope {
        infos: Vec::new(),
        items,
        paging: Paging {
            page_number: Some(0),
            items_number: Some(count),
            total_pages: Some(1),
            total_items: Some(count),
            has_next: Some(false),
        },
    }))
}

async fn no_such_resource(format: Format) -> Answer {
    Answer::new(format, Err(Failure::no_such_resource()))
}

/// A single entity: one item, paging fields `null`.
fn single(item: Item) -> Envelope {
    Envelope {
        items: vec![item],
        ..Envelope::default()
    }
}

/// The same rule as the client's: UUID-like characters only. The number is not echoed: it
/// may be a key, and messages end up in logs.
fn token_number(number: Result<Path<String>, PathRejection>) -> Result<String, Failure> {
    let Ok(Path(number)) = number else {
        return Err(Failure::malformed("The token number is not valid."));
    };
    match TokenNumber::parse(&number) {
        Ok(_) if number.trim() == number => Ok(number),
        Ok(_) => Err(Failure::malformed(
            "The token number is not valid: it has surrounding spaces.",
        )),
        Err(why) => Err(Failure::malformed(format!(
            "The token number is not valid: {why}."
        ))),
    }
}

/// Masked, because the client shows (and logs) the server's message.
fn no_such_token(number: &str) -> Failure {
    Failure::entity_not_found(format!(
        "Token with the number '{}' does not exist.",
        mask(number)
    ))
}

/// One debug line per request. Neither headers nor query strings are logged, and path
/// segments that look like token numbers are masked.
async fn log_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = loggable_path(request.uri().path());
    let started = Instant::now();
    let response = next.run(request).await;
    tracing::debug!(
        %method,
        path,
        status = response.status().as_u16(),
        millis = started.elapsed().as_millis(),
        "sandbox request"
    );
    response
}

fn loggable_path(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if segment.len() >= 12 && segment.bytes().any(|b| b.is_ascii_digit()) {
                mask(segment)
            } else {
                segment.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logged_paths_mask_token_numbers() {
        assert_eq!(
            loggable_path("/core/v2/rest/token/5b0f3d2e-8c41-4e6a-9f57-2d7c1a9e4b10"),
            "/core/v2/rest/token/5b0…4b10"
        );
        assert_eq!(
            loggable_path("/core/v2/rest/utility/licensingModels"),
            "/core/v2/rest/utility/licensingModels"
        );
    }
}
