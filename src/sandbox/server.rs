//! The server thread: its own tokio runtime, serving until told to stop.

use std::net::SocketAddr;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::oneshot;

use super::connection::{Connection, SandboxListener};
use super::error::SandboxError;
use super::routes::{self, AppState};

/// How long a stop waits for requests in progress (an injected delay, say) before it closes
/// their connections anyway.
const GRACE: Duration = Duration::from_secs(2);

/// A running server thread.
pub(crate) struct Server {
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Starts serving on `listener` (already bound, so it accepts connections) and returns
    /// once the runtime is up. With `on_ctrl_c`, Ctrl-C stops it too.
    pub(crate) fn spawn(
        listener: std::net::TcpListener,
        addr: SocketAddr,
        state: AppState,
        on_ctrl_c: bool,
    ) -> Result<Server, SandboxError> {
        let (ready_tx, ready_rx) = mpsc::channel::<Result<(), SandboxError>>();
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("netlicensing-sandbox".to_owned())
            .spawn(move || run(listener, addr, state, on_ctrl_c, &ready_tx, stop_rx))
            .map_err(SandboxError::Runtime)?;
        let mut server = Server {
            stop: Some(stop_tx),
            thread: Some(thread),
        };
        match ready_rx.recv() {
            Ok(Ok(())) => Ok(server),
            Ok(Err(error)) => {
                server.stop();
                Err(error)
            }
            Err(_) => Err(server
                .wait()
                .err()
                .unwrap_or_else(|| SandboxError::Crashed("the server thread ended".to_owned()))),
        }
    }

    /// Stops serving and waits for the thread. Calling it twice is harmless.
    pub(crate) fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Err(error) = self.wait() {
            tracing::error!(%error, "the sandbox did not stop cleanly");
        }
    }

    /// Waits until the server thread ends (on a stop, or on Ctrl-C when asked for).
    pub(crate) fn wait(&mut self) -> Result<(), SandboxError> {
        let Some(thread) = self.thread.take() else {
            return Ok(());
        };
        thread.join().map_err(|panic| {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "the server thread panicked".to_owned());
            SandboxError::Crashed(message)
        })
    }
}

/// The server thread: builds the runtime, reports readiness, serves until stopped.
fn run(
    listener: std::net::TcpListener,
    addr: SocketAddr,
    state: AppState,
    on_ctrl_c: bool,
    ready: &mpsc::Sender<Result<(), SandboxError>>,
    stop: oneshot::Receiver<()>,
) {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("netlicensing-sandbox-worker")
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            let _ = ready.send(Err(SandboxError::Runtime(error)));
            return;
        }
    };
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::from_std(listener) {
            Ok(listener) => listener,
            Err(source) => {
                let _ = ready.send(Err(SandboxError::Bind { addr, source }));
                return;
            }
        };
        // Registered before anyone learns the address, so that even an early Ctrl-C stops
        // cleanly rather than killing the process.
        let interrupts = on_ctrl_c.then(watch_interrupts).flatten();
        let _ = ready.send(Ok(()));
        serve(listener, state, stop, interrupts).await;
    });
    // Saves in progress run on blocking threads; give them a moment to finish.
    runtime.shutdown_timeout(Duration::from_secs(1));
}

fn watch_interrupts() -> Option<Interrupts> {
    register_interrupts()
        .inspect_err(|error| {
            tracing::warn!(%error, "Ctrl-C cannot be watched; the sandbox stops only when killed");
        })
        .ok()
}

async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    stop: oneshot::Receiver<()>,
    interrupts: Option<Interrupts>,
) {
    let app = routes::router(state).into_make_service_with_connect_info::<Connection>();
    let (stopping_tx, stopping_rx) = oneshot::channel::<()>();
    let signal = async move {
        stop_signal(stop, interrupts).await;
        let _ = stopping_tx.send(());
    };
    let server = axum::serve(SandboxListener(listener), app).with_graceful_shutdown(signal);
    let grace_over = async move {
        match stopping_rx.await {
            Ok(()) => tokio::time::sleep(GRACE).await,
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = server.into_future() => tracing::info!("sandbox stopped"),
        () = grace_over => tracing::info!("sandbox stopped; requests still in progress were cut off"),
    }
}

/// A stop request, the handle going away, or (when watched) Ctrl-C.
async fn stop_signal(stop: oneshot::Receiver<()>, interrupts: Option<Interrupts>) {
    let ctrl_c = async {
        match interrupts {
            Some(mut interrupts) => {
                if interrupts.recv().await.is_some() {
                    tracing::info!("Ctrl-C: stopping the sandbox");
                } else {
                    std::future::pending::<()>().await;
                }
            }
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = stop => {}
        () = ctrl_c => {}
    }
}

#[cfg(unix)]
type Interrupts = tokio::signal::unix::Signal;

#[cfg(unix)]
fn register_interrupts() -> std::io::Result<Interrupts> {
    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
}

#[cfg(windows)]
type Interrupts = tokio::signal::windows::CtrlC;

#[cfg(windows)]
fn register_interrupts() -> std::io::Result<Interrupts> {
    tokio::signal::windows::ctrl_c()
}
