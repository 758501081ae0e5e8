//! The role × operation matrix: every permission in the table, for every role, through the
//! core operations that check it.
use intake_core::auth::{allows, Permission, Role};
use intake_core::Desk;

use crate::common::{clinic, clinic_settings};

/// The expected table, written out independently of the one in core.
fn expected(role: Role, p: Permission) -> bool {
    use Permission::*;
    match p {
        ViewQueue | ViewDemographics | ExportDemographics | ManageOwnAccount => true,
        ViewClinical | ReviewIntake | ExportClinical => role != Role::FrontDesk,
        HandleConversations | ManageAppointments => role != Role::Doctor,
        ManageUsers | ManageSettings | ViewAudit | ManageBackups => role == Role::Admin,
    }
}

#[test]
fn table_matches_the_written_expectation() {
    for role in Role::ALL {
        for p in Permission::all() {
            assert_eq!(allows(role, p), expected(role, p), "{role:?} {p:?}");
        }
    }
}

/// One real core operation per permission that has one today. Permissions whose operations
/// arrive with later features (intakes, conversations, appointments, exports) are checked
/// through `Desk::authorize`, the gate those operations call.
fn attempt(
    desk: &Desk,
    s: &str,
    p: Permission,
    scratch: &std::path::Path,
) -> intake_core::Result<()> {
    use Permission::*;
    match p {
        ManageUsers => desk.list_users(s).map(drop),
        ManageSettings => desk
            .update_settings(s, &clinic_settings("Matrix", 5))
            .map(drop),
        ViewAudit => desk.verify_audit(s).map(drop),
        ManageBackups => desk.backup(s, scratch).map(drop),
        ManageOwnAccount => desk.begin_totp(s).map(drop),
        other => desk.authorize(s, other).map(drop),
    }
}

#[test]
fn every_role_is_allowed_and_refused_exactly_as_the_table_says() {
    let f = clinic();
    let desk = f.desk();
    let scratch = tempfile::tempdir().unwrap();
    let sessions = [
        (Role::FrontDesk, f.user("front", Role::FrontDesk)),
        (Role::Doctor, f.user("doctor", Role::Doctor)),
        (Role::Admin, f.admin()),
    ];
    let mut checked = 0;
    for (role, s) in &sessions {
        for p in Permission::all() {
            let result = attempt(&desk, s, p, scratch.path());
            if expected(*role, p) {
                assert!(
                    result.is_ok(),
                    "{role:?} should be allowed {p:?}: {result:?}"
                );
            } else {
                let e = result.expect_err(&format!("{role:?} must be refused {p:?}"));
                assert_eq!(e.body().code, "auth.forbidden", "{role:?} {p:?}");
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 3 * Permission::all().count());
    // And no session at all is refused everything.
    for p in Permission::all() {
        let e = attempt(&desk, "not-a-session", p, scratch.path()).unwrap_err();
        assert_eq!(e.body().code, "auth.not_signed_in");
    }
}
