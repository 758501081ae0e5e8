//! The real OS keyring (Secret Service on Linux). scripts/test runs the suite inside a D-Bus
//! session with gnome-keyring unlocked; outside one this test fails with the keyring's error,
//! it does not skip.
use std::sync::Arc;

use intake_core::keys::{OsKeyring, SecretStore};
use intake_core::{Config, DataDir, Launcher, ManualClock, StartupStatus};

use crate::common::{setup_request, ADMIN_PW};

#[test]
fn real_keyring_holds_the_key_and_recovery_reseats_it() {
    let service = format!("intake-desk-test-{}", std::process::id());
    let keyring = Arc::new(OsKeyring::with_service(&service));
    let probe = keyring.set("probe", "1").and_then(|_| keyring.get("probe"));
    assert_eq!(
        probe.as_ref().ok().and_then(|v| v.as_deref()),
        Some("1"),
        "no working Secret Service ({probe:?}): run the suite through scripts/test"
    );
    keyring.delete("probe").unwrap();

    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::at_test_epoch());
    let config = || Config::fast_for_tests(DataDir::new(dir.path()));
    let l = Launcher::new(config(), keyring.clone(), clock.clone());
    let recovery = l.begin_setup().unwrap();
    l.finish_setup(&setup_request(&recovery)).unwrap();

    let info = intake_core::paths::KeyInfo::read(&DataDir::new(dir.path()).keyinfo_path()).unwrap();
    let name = info.key_names().db_key();
    let stored = keyring
        .get(&name)
        .unwrap()
        .expect("key stored in the OS keyring");
    assert_eq!(stored.len(), 64);
    // A fresh handle (as after a restart) reads the same key back from the keyring daemon.
    let fresh = OsKeyring::with_service(&service);
    assert_eq!(fresh.get(&name).unwrap().as_deref(), Some(stored.as_str()));
    // The key is nowhere on disk in the clear.
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!bytes.windows(64).any(|w| w == stored.as_bytes()));
    }
    drop(l);
    let again = Launcher::new(config(), Arc::new(fresh), clock.clone());
    assert!(matches!(again.status(), StartupStatus::Ready { .. }));
    drop(again);

    keyring.delete(&name).unwrap();
    let l = Launcher::new(config(), keyring.clone(), clock.clone());
    let StartupStatus::NeedsRecovery { reason } = l.status() else {
        panic!(
            "expected the missing key to be reported, got {:?}",
            l.status()
        )
    };
    assert_eq!(reason.code, "key.not_in_keyring");
    l.recover(&recovery).unwrap();
    assert_eq!(
        keyring.get(&name).unwrap().as_deref(),
        Some(stored.as_str())
    );
    l.desk().unwrap().login("admin", ADMIN_PW, None).unwrap();
    keyring.delete(&name).unwrap();
}
