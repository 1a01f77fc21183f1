//! `auth test`, `auth show`, `auth login` and `auth logout`.

use super::failure::Failure;
use super::session::Session;

/// Checks the credentials and says which method, against which base URL, and what they may do.
pub fn test(session: &Session) -> Result<(), Failure> {
    let client = &session.client;
    let access = client.probe_access()?;
    println!("{}", session_line(session));
    println!("{access}");
    if !access.is_enough() {
        println!(
            "To manage API keys, sign in with the vendor login or use an API key with the Admin role."
        );
    }
    Ok(())
}

/// "vendor login demo at http://… (credentials from the environment)"
fn session_line(session: &Session) -> String {
    format!(
        "{} at {} (credentials from {})",
        session.client.credentials().describe(),
        session.client.base_url(),
        session.source.describe()
    )
}
