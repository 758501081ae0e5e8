//! First run, a lost keyring entry, the recovery key, and backups restored on a new PC.
use std::sync::Arc;

use intake_core::keys::{MemorySecretStore, SecretStore};
use intake_core::{Config, DataDir, Launcher, ManualClock, StartupStatus};

use crate::common::{clinic, code, setup_request, ADMIN_PW};

#[test]
fn first_run_needs_the_confirmation_and_writes_nothing_before() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = Arc::new(MemorySecretStore::new());
    let l = Launcher::new(
        Config::fast_for_tests(DataDir::new(dir.path())),
        secrets.clone(),
        Arc::new(ManualClock::at_test_epoch()),
    );
    assert!(
        l.finish_setup(&setup_request("AAAA-BBBB")).is_err(),
        "no key shown yet"
    );
    let key = l.begin_setup().unwrap();
    assert_eq!(
        l.begin_setup().unwrap(),
        key,
        "same key until set-up finishes"
    );
    let mut req = setup_request(&key);
    req.recovery_confirmation = "WXYZ".into();
    assert_eq!(
        code(l.finish_setup(&req).unwrap_err()),
        "invalid.recovery_confirmation"
    );
    let mut nameless = setup_request(&key);
    nameless.clinic_name = " \t ".into();
    assert_eq!(
        code(l.finish_setup(&nameless).unwrap_err()),
        "invalid.clinic_name"
    );
    let mut weak = setup_request(&key);
    weak.password = "password123".into();
    assert_eq!(
        code(l.finish_setup(&weak).unwrap_err()),
        "auth.weak_password"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing on disk yet"
    );
    l.finish_setup(&setup_request(&key)).unwrap();
    assert_eq!(
        l.status(),
        StartupStatus::Ready {
            clinic_name: "Clínica San Rafael".into()
        }
    );
    assert!(l.begin_setup().is_err(), "set-up cannot run twice");
}

#[test]
fn restart_opens_with_the_keyring_key() {
    let f = clinic();
    let again = f.restart();
    assert!(matches!(again.status(), StartupStatus::Ready { .. }));
    again
        .desk()
        .unwrap()
        .login("admin", ADMIN_PW, None)
        .unwrap();
}

#[test]
fn missing_keyring_entry_asks_for_the_recovery_key_and_it_restores_access() {
    let f = clinic();
    drop(f.launcher.desk());
    f.delete_keyring_entry();
    let l = f.restart();
    let StartupStatus::NeedsRecovery { reason } = l.status() else {
        panic!("expected recovery, got {:?}", l.status())
    };
    assert_eq!(reason.code, "key.not_in_keyring");
    assert!(l.desk().is_err());

    let db_before = std::fs::read(f.dir.path().join("intake.db")).unwrap();
    let typo = format!("{}X", f.recovery_key);
    assert_eq!(
        code(l.recover(&typo).unwrap_err()),
        "key.recovery_key_format"
    );
    let other = Launcher::new(
        Config::fast_for_tests(DataDir::new(tempfile::tempdir().unwrap().path())),
        Arc::new(MemorySecretStore::new()),
        Arc::new(ManualClock::at_test_epoch()),
    )
    .begin_setup()
    .unwrap();
    assert_eq!(
        code(l.recover(&other).unwrap_err()),
        "key.wrong_recovery_key"
    );
    assert_eq!(
        std::fs::read(f.dir.path().join("intake.db")).unwrap(),
        db_before
    );
    assert!(
        f.secrets.get(&f.secret_names()[0]).unwrap().is_none(),
        "wrong key changed nothing"
    );

    l.recover(&f.recovery_key.to_lowercase().replace('-', " "))
        .unwrap();
    l.desk().unwrap().login("admin", ADMIN_PW, None).unwrap();
    assert!(
        f.secrets.get(&f.secret_names()[0]).unwrap().is_some(),
        "key re-seated"
    );
    assert!(matches!(f.restart().status(), StartupStatus::Ready { .. }));
}

#[test]
fn a_wrong_key_in_the_keyring_never_creates_a_new_database() {
    let f = clinic();
    drop(f.launcher.desk());
    let name = &f.secret_names()[0];
    f.secrets.set(name, &"ab".repeat(32)).unwrap();
    let l = f.restart();
    let StartupStatus::NeedsRecovery { reason } = l.status() else {
        panic!()
    };
    assert_eq!(reason.code, "store.wrong_key");
    f.secrets.set(name, "not hex").unwrap();
    let StartupStatus::NeedsRecovery { reason } = f.restart().status() else {
        panic!()
    };
    assert_eq!(reason.code, "key.malformed");
    l.recover(&f.recovery_key).unwrap();
    l.desk().unwrap().login("admin", ADMIN_PW, None).unwrap();
}

#[test]
fn missing_files_fail_with_a_reason_and_do_not_restart_setup() {
    let f = clinic();
    drop(f.launcher.desk());
    std::fs::rename(
        f.dir.path().join("keyinfo.json"),
        f.dir.path().join("keyinfo.moved"),
    )
    .unwrap();
    let StartupStatus::Failed { error } = f.restart().status() else {
        panic!()
    };
    assert_eq!(error.code, "key.info_missing");
    std::fs::rename(
        f.dir.path().join("keyinfo.moved"),
        f.dir.path().join("keyinfo.json"),
    )
    .unwrap();
    std::fs::rename(
        f.dir.path().join("intake.db"),
        f.dir.path().join("intake.moved"),
    )
    .unwrap();
    let l = f.restart();
    let StartupStatus::Failed { error } = l.status() else {
        panic!()
    };
    assert_eq!(error.code, "store.missing");
    assert!(l.begin_setup().is_err());
    std::fs::rename(
        f.dir.path().join("intake.moved"),
        f.dir.path().join("intake.db"),
    )
    .unwrap();
    assert!(matches!(l.retry(), StartupStatus::Ready { .. }));
}

#[test]
fn garbage_keyinfo_is_a_clear_failure() {
    let f = clinic();
    drop(f.launcher.desk());
    for junk in [
        "",
        "{",
        "{\"installId\":\"../../etc\",\"wrappedKey\":{}}",
        "\u{0}\u{1}",
    ] {
        std::fs::write(f.dir.path().join("keyinfo.json"), junk).unwrap();
        let StartupStatus::Failed { error } = f.restart().status() else {
            panic!("{junk:?}")
        };
        assert_eq!(error.code, "key.recovery_file", "{junk:?}");
    }
}

#[test]
fn backup_restores_on_a_new_pc_with_an_empty_keyring() {
    let f = clinic();
    let admin = f.admin();
    let desk = f.desk();
    let out = tempfile::tempdir().unwrap();
    let info = desk.backup(&admin, out.path()).unwrap();
    let file = std::path::PathBuf::from(&info.path);
    assert!(info.bytes > 4096);
    let leftovers: Vec<_> = std::fs::read_dir(out.path()).unwrap().collect();
    assert_eq!(
        leftovers.len(),
        1,
        "only the backup file, no temporary copy left"
    );
    let bytes = std::fs::read(&file).unwrap();
    assert!(
        !bytes.windows(7).any(|w| w == b"San Raf"),
        "clinic name not readable"
    );

    // A new PC: other folder, empty keyring.
    let new_dir = tempfile::tempdir().unwrap();
    let new_secrets = Arc::new(MemorySecretStore::new());
    let l = Launcher::new(
        Config::fast_for_tests(DataDir::new(new_dir.path())),
        new_secrets.clone(),
        Arc::new(ManualClock::at_test_epoch()),
    );
    assert_eq!(l.status(), StartupStatus::FirstRun);
    let wrong = crate::common::clinic().recovery_key;
    assert_eq!(
        code(l.restore_backup(&file, &wrong).unwrap_err()),
        "key.wrong_recovery_key"
    );
    assert!(
        !new_dir.path().join("intake.db").exists(),
        "a wrong key writes nothing"
    );
    let not_backup = new_dir.path().join("x.idbk");
    std::fs::write(&not_backup, b"hello").unwrap();
    assert_eq!(
        code(l.restore_backup(&not_backup, &f.recovery_key).unwrap_err()),
        "backup.invalid"
    );

    l.restore_backup(&file, &f.recovery_key).unwrap();
    let restored = l.desk().unwrap();
    let s = restored.login("admin", ADMIN_PW, None).unwrap().0;
    assert_eq!(
        restored.settings(&s).unwrap().clinic_name,
        "Clínica San Rafael"
    );
    let report = restored.verify_audit(&s).unwrap();
    assert!(report.first_broken.is_none(), "{report:?}");
    // And it opens again from the keyring on the next start.
    let again = Launcher::new(
        Config::fast_for_tests(DataDir::new(new_dir.path())),
        new_secrets,
        Arc::new(ManualClock::at_test_epoch()),
    );
    assert!(matches!(again.status(), StartupStatus::Ready { .. }));
}

#[test]
fn restore_over_a_damaged_database_keeps_the_old_file_aside() {
    let f = clinic();
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("b.idbk");
    f.desk().backup(&f.admin(), &file).unwrap();
    drop(f.launcher.desk());
    std::fs::write(f.dir.path().join("intake.db"), vec![7u8; 8192]).unwrap();
    let l = f.restart();
    assert!(matches!(l.status(), StartupStatus::NeedsRecovery { .. }));
    l.restore_backup(&file, &f.recovery_key).unwrap();
    let aside = std::fs::read_dir(f.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("before-restore"))
        .count();
    assert!(aside >= 2, "old database and key info kept aside");
    l.desk().unwrap().login("admin", ADMIN_PW, None).unwrap();
}
