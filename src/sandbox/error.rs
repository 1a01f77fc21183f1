//! Why the sandbox could not start or keep running, one sentence each.

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;

use crate::io_reason::io_reason;

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error(
        "The sandbox will not listen on {addr}: other computers could reach it, and use its demo account. Use a loopback address such as 127.0.0.1, or add --allow-remote if that is what you want."
    )]
    RemoteNotAllowed { addr: SocketAddr },

    #[error(
        "The address {addr} is already in use. Stop the program using it, or choose another port (port 0 picks a free one)."
    )]
    PortInUse { addr: SocketAddr },

    #[error("The sandbox could not listen on {addr}: {}.", io_reason(.source))]
    Bind { addr: SocketAddr, source: io::Error },

    #[error("The sandbox data file {} cannot be read: {}.", .path.display(), io_reason(.source))]
    DataFileUnreadable { path: PathBuf, source: io::Error },

    #[error(
        "The sandbox data file {} is damaged: {reason}. It was left as it is; repair it, or move it away to start afresh.",
        .path.display()
    )]
    DataFileCorrupt { path: PathBuf, reason: String },

    #[error("The sandbox data file {} cannot be written: {}.", .path.display(), io_reason(.source))]
    DataFileWrite { path: PathBuf, source: io::Error },

    #[error("The sandbox option {name} is not valid: {reason}.")]
    InvalidOption { name: &'static str, reason: String },

    #[error("The sandbox could not start its threads: {0}.")]
    Runtime(io::Error),

    #[error("The sandbox stopped unexpectedly: {0}.")]
    Crashed(String),

    #[error("The sandbox could not print its address: {0}.")]
    Output(io::Error),
}
