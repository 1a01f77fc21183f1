//! What the app asks of NetLicensing, behind a trait: the real client in the product, a fake
//! where a test needs exact timing.

use std::sync::Arc;

use crate::api::{
    Access, ApiError, ApiKey, Client, ClientConfig, Credentials, ListOptions, ListProgress,
    NewApiKey, Retry, TokenNumber,
};

/// The calls the app makes. Every method blocks; the app calls them on worker threads.
pub trait KeyService: Send + Sync {
    fn list(&self, progress: &(dyn Fn(ListProgress) + Sync)) -> Result<Vec<ApiKey>, ApiError>;
    fn create(&self, new_key: &NewApiKey) -> Result<ApiKey, ApiError>;
    fn delete(&self, number: &TokenNumber) -> Result<(), ApiError>;
    fn probe(&self) -> Result<Access, ApiError>;
}

impl KeyService for Client {
    fn list(&self, progress: &(dyn Fn(ListProgress) + Sync)) -> Result<Vec<ApiKey>, ApiError> {
        self.list_api_keys_with(ListOptions::default(), progress)
    }

    fn create(&self, new_key: &NewApiKey) -> Result<ApiKey, ApiError> {
        self.create_api_key(new_key)
    }

    fn delete(&self, number: &TokenNumber) -> Result<(), ApiError> {
        self.delete_token(number)
    }

    fn probe(&self) -> Result<Access, ApiError> {
        self.probe_access()
    }
}

/// Makes a service for a base URL and credentials. Building the real client is cheap, but it
/// must not happen on the UI thread either (reading CA files, proxies), so it runs in tasks too.
pub type Connector =
    Arc<dyn Fn(&ClientConfig, Credentials) -> Result<Arc<dyn KeyService>, ApiError> + Send + Sync>;

/// The connector of the product: the real HTTP client. Reading calls are tried again briefly
/// on a 5xx, a dropped connection or an unreadable body, as on the command line: one bad page
/// out of a hundred must not fail a whole list.
pub fn http_connector() -> Connector {
    Arc::new(|config, credentials| {
        let client = Client::new(config, credentials)?.with_retry(Retry::BRIEF);
        Ok(Arc::new(client) as Arc<dyn KeyService>)
    })
}
