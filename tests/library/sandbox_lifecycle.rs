#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may stop at the first surprise

//! Starting, stopping, persistence, concurrency and size: the sandbox as a running service.

use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::sandbox_support::{
    JSON, demo_auth, get, http, numbers, sandbox, sandbox_with, send, vendor_client,
};
use netlicensing_keys::api::{NewApiKey, Role, TokenNumber};
use netlicensing_keys::sandbox::{Sandbox, SandboxError, SandboxOptions, run_foreground, seed};

fn with_data_file(path: PathBuf) -> SandboxOptions {
    SandboxOptions {
        data_file: Some(path),
        ..SandboxOptions::default()
    }
}

fn all_numbers(sandbox: &Sandbox) -> Vec<String> {
    numbers(&get(sandbox, "/token?filter=items=1000", JSON).envelope())
}

#[test]
fn base_url_names_the_loopback_port() {
    let sandbox = sandbox();
    let addr = sandbox.local_addr();
    assert!(addr.ip().is_loopback());
    assert_ne!(addr.port(), 0);
    assert_eq!(
        sandbox.base_url(),
        format!("http://127.0.0.1:{}/core/v2/rest", addr.port())
    );
}

#[test]
fn state_survives_a_restart_with_a_data_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sandbox.json");
    let (created, before) = {
        let sandbox = sandbox_with(with_data_file(path.clone()));
        let client = vendor_client(&sandbox);
        let created = client
            .create_api_key(&NewApiKey {
                role: Some(Role::Maintenance),
                name: Some("Survivor".into()),
                ..NewApiKey::default()
            })
            .expect("create");
        client
            .delete_token(&TokenNumber::parse(seed::ANALYTICS_KEY).unwrap())
            .expect("delete");
        (created, all_numbers(&sandbox))
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the data file holds keys: owner only");
    }
    let sandbox = sandbox_with(SandboxOptions {
        // Ignored: the file's state wins over generating a fresh one.
        seed_keys: 50,
        ..with_data_file(path.clone())
    });
    assert_eq!(all_numbers(&sandbox), before, "same tokens, same order");
    let survivor = vendor_client(&sandbox)
        .get_api_key(&TokenNumber::parse(created.number.expose()).unwrap())
        .expect("the created key is back");
    assert_eq!(survivor.name(), Some("Survivor"));
    assert_eq!(survivor.role, Some(Role::Maintenance));
    assert!(!before.iter().any(|n| n == seed::ANALYTICS_KEY));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary files are left behind");
}

#[test]
fn a_damaged_data_file_is_refused_and_left_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sandbox.json");
    let damaged = r#"{"format":"netlicensing-keys-sandbox","version":1,"tokens":[{"number":"#;
    std::fs::write(&path, damaged).unwrap();
    let error = Sandbox::start(with_data_file(path.clone())).unwrap_err();
    assert!(
        matches!(error, SandboxError::DataFileCorrupt { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("damaged"), "{message}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), damaged);

    let unreadable = Sandbox::start(with_data_file(dir.path().to_owned())).unwrap_err();
    assert!(
        matches!(unreadable, SandboxError::DataFileUnreadable { .. }),
        "{unreadable:?}"
    );
    let no_folder =
        Sandbox::start(with_data_file(dir.path().join("missing/sandbox.json"))).unwrap_err();
    assert!(
        matches!(no_folder, SandboxError::DataFileWrite { .. }),
        "{no_folder:?}"
    );
}

#[test]
fn stopping_closes_the_port_even_with_connections_open() {
    let first = sandbox();
    let addr = first.local_addr();
    // A pooled keep-alive connection stays open after this call.
    let client = vendor_client(&first);
    client.check_credentials().expect("serving");
    let started = Instant::now();
    drop(first);
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "idle connections do not hold a stop up"
    );
    assert!(TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_err());
    assert!(client.check_credentials().is_err());

    let second = sandbox();
    let addr = second.local_addr();
    second.stop();
    assert!(TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_err());
}

#[test]
fn a_stop_waits_only_briefly_for_requests_in_progress() {
    let sandbox = sandbox();
    sandbox.set_latency(Duration::from_secs(20));
    let client = vendor_client(&sandbox);
    let waiting = std::thread::Builder::new()
        .name("slow-request".into())
        .spawn(move || client.check_credentials())
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    drop(sandbox);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(waiting.join().unwrap().is_err());
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let first = sandbox();
    let error = Sandbox::start(SandboxOptions {
        listen: first.local_addr(),
        ..SandboxOptions::default()
    })
    .unwrap_err();
    assert!(matches!(error, SandboxError::PortInUse { .. }), "{error:?}");
    assert!(error.to_string().contains("already in use"));
    // The port can be reused once the sandbox has stopped.
    let addr = first.local_addr();
    drop(first);
    let second = sandbox_with(SandboxOptions {
        listen: addr,
        ..SandboxOptions::default()
    });
    assert_eq!(second.local_addr(), addr);
}

#[test]
fn other_addresses_than_loopback_need_allow_remote() {
    let everywhere = SandboxOptions {
        listen: SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0)),
        ..SandboxOptions::default()
    };
    let error = Sandbox::start(everywhere.clone()).unwrap_err();
    assert!(
        matches!(error, SandboxError::RemoteNotAllowed { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("other computers"));
    let error = run_foreground(everywhere).unwrap_err();
    assert!(
        matches!(error, SandboxError::RemoteNotAllowed { .. }),
        "{error:?}"
    );
    let error = Sandbox::start(SandboxOptions {
        fail_rate: 1.5,
        ..SandboxOptions::default()
    })
    .unwrap_err();
    assert!(
        matches!(error, SandboxError::InvalidOption { .. }),
        "{error:?}"
    );
    // Refused before a single key is allocated (this many would abort the process).
    let error = Sandbox::start(SandboxOptions {
        seed_keys: 100_000_000_000,
        ..SandboxOptions::default()
    })
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "The sandbox option seed keys is not valid: 100000000000 is more than the 1000000 generated keys it can start with."
    );
}

#[test]
fn concurrent_creates_and_deletes_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sandbox.json");
    let expected = {
        let sandbox = Arc::new(sandbox_with(with_data_file(path.clone())));
        let threads: Vec<_> = (0..8)
            .map(|worker| {
                let client = vendor_client(&sandbox);
                std::thread::Builder::new()
                    .name(format!("creator-{worker}"))
                    .spawn(move || {
                        let mut kept = Vec::new();
                        for index in 0..25 {
                            let key = client
                                .create_api_key(&NewApiKey {
                                    name: Some(format!("worker {worker} key {index}")),
                                    ..NewApiKey::default()
                                })
                                .expect("create");
                            if index % 5 == 0 {
                                let number = TokenNumber::parse(key.number.expose()).unwrap();
                                client.delete_token(&number).expect("delete");
                            } else {
                                kept.push(key.number.expose().to_owned());
                            }
                        }
                        kept
                    })
                    .unwrap()
            })
            .collect();
        let kept: Vec<String> = threads
            .into_iter()
            .flat_map(|t| t.join().expect("worker"))
            .collect();
        assert_eq!(kept.len(), 8 * 20);
        let listed = all_numbers(&sandbox);
        assert_eq!(
            listed.len(),
            8 + 8 * 20,
            "seeded tokens plus every kept key"
        );
        assert!(kept.iter().all(|number| listed.contains(number)));
        listed
    };
    let restarted = sandbox_with(with_data_file(path));
    assert_eq!(
        all_numbers(&restarted),
        expected,
        "the last save holds everything"
    );
}

#[test]
fn a_large_store_starts_quickly_and_serves_pages_fast() {
    let started = Instant::now();
    let sandbox = sandbox_with(SandboxOptions {
        seed_keys: 100_000,
        ..SandboxOptions::default()
    });
    let start_time = started.elapsed();
    let last_page = "/token?filter=tokenType=APIKEY;page=1000;items=100";
    let first = get(&sandbox, last_page, JSON).envelope();
    assert_eq!(first.items.len(), 6);
    assert_eq!(first.paging.total_items, Some(100_006));
    // One connection for all pages, so the time is the sandbox's, not connection set-up.
    let http = http();
    let url = format!(
        "{}/token?filter=tokenType=APIKEY;page=777;items=100",
        sandbox.base_url()
    );
    let started = Instant::now();
    for _ in 0..20 {
        let page = send(
            http.get(&url)
                .header("Authorization", demo_auth())
                .header("Accept", JSON),
        );
        assert_eq!(page.envelope().items.len(), 100);
    }
    let per_page = started.elapsed() / 20;
    eprintln!("100,000 keys: started in {start_time:?}, {per_page:?} per 100-item page");
    // Generous bounds: this is an unoptimised test build on a shared machine.
    assert!(start_time < Duration::from_secs(2), "{start_time:?}");
    assert!(per_page < Duration::from_millis(50), "{per_page:?}");
}
