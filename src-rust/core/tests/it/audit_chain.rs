//! The audit chain notices edits, deletions and truncation, even by someone with raw SQL.
use intake_core::audit;
use intake_core::auth::Role;

use crate::common::clinic;

fn tamper(f: &crate::common::Fixture, sql: &str) {
    let conn = f.desk().db().connect().unwrap();
    // The triggers stop casual edits; an attacker with the key can drop them, so verify must
    // not rely on them.
    let err = conn.execute_batch(sql).unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    conn.execute_batch("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;")
        .unwrap();
    conn.execute_batch(sql).unwrap();
}

fn populated() -> crate::common::Fixture {
    let f = clinic();
    f.user("rosa", Role::FrontDesk);
    f.user("drlee", Role::Doctor);
    f
}

fn first_broken(f: &crate::common::Fixture) -> Option<(i64, String)> {
    let r = audit::verify(&f.desk().db().conn()).unwrap();
    r.first_broken.map(|b| (b.id, b.reason))
}

#[test]
fn intact_chain_verifies() {
    let f = populated();
    let s = f.admin();
    let r = f.desk().verify_audit(&s).unwrap();
    assert!(r.first_broken.is_none());
    assert!(r.rows_checked >= 6, "{r:?}");
}

#[test]
fn an_edited_row_is_named() {
    let f = populated();
    tamper(
        &f,
        "UPDATE audit_log SET actor = 'staff:someone-else' WHERE id = 3",
    );
    let (id, reason) = first_broken(&f).unwrap();
    assert_eq!(id, 3);
    assert!(reason.contains("altered"), "{reason}");
}

#[test]
fn an_edit_that_recomputes_its_own_hash_breaks_the_next_link() {
    let f = populated();
    tamper(
        &f,
        "UPDATE audit_log SET hash = 'ff' || substr(hash, 3) WHERE id = 2",
    );
    let (id, _) = first_broken(&f).unwrap();
    assert_eq!(id, 2);
}

#[test]
fn a_deleted_row_is_named() {
    let f = populated();
    tamper(&f, "DELETE FROM audit_log WHERE id = 4");
    let (id, reason) = first_broken(&f).unwrap();
    assert_eq!(id, 4);
    assert!(reason.contains("missing"), "{reason}");
}

#[test]
fn deleted_newest_rows_are_noticed() {
    let f = populated();
    let last: i64 = f
        .desk()
        .db()
        .conn()
        .query_row("SELECT max(id) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    tamper(&f, &format!("DELETE FROM audit_log WHERE id = {last}"));
    let (id, reason) = first_broken(&f).unwrap();
    assert_eq!(id, last);
    assert!(reason.contains("newest"), "{reason}");
}

#[test]
fn audit_search_pages_and_escapes() {
    let f = populated();
    let s = f.admin();
    let desk = f.desk();
    let all = desk.audit_log(&s, &Default::default()).unwrap();
    assert!(all.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    let q = audit::AuditQuery {
        text: Some("user.created".into()),
        ..Default::default()
    };
    assert_eq!(desk.audit_log(&s, &q).unwrap().len(), 3);
    let q = audit::AuditQuery {
        text: Some("%".into()),
        ..Default::default()
    };
    assert!(desk.audit_log(&s, &q).unwrap().is_empty(), "% is literal");
    let q = audit::AuditQuery {
        before_id: Some(all[1].id),
        limit: Some(2),
        ..Default::default()
    };
    let page = desk.audit_log(&s, &q).unwrap();
    assert_eq!(
        page.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![all[2].id, all[3].id]
    );
}
