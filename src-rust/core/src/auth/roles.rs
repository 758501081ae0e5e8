//! The one permission table. Core operations check it; the UI only hides what is refused.
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    FrontDesk,
    Doctor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::FrontDesk, Role::Doctor, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::FrontDesk => "front_desk",
            Self::Doctor => "doctor",
            Self::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// See the intake queue and the patients' names and numbers.
    ViewQueue,
    /// Read demographic answers (name, date of birth, address...).
    ViewDemographics,
    /// Read clinical answers (reason for visit, history, allergies, medications).
    ViewClinical,
    /// Mark intakes reviewed / needing follow-up and write doctor notes.
    ReviewIntake,
    /// Take over a WhatsApp conversation and reply to the patient.
    HandleConversations,
    /// Create, move and cancel appointments.
    ManageAppointments,
    /// Export demographic columns.
    ExportDemographics,
    /// Export clinical columns too.
    ExportClinical,
    /// Create users, reset passwords, disable, change roles, unlock.
    ManageUsers,
    /// Clinic settings and WhatsApp credentials.
    ManageSettings,
    /// Read and verify the audit log.
    ViewAudit,
    /// Make encrypted backups.
    ManageBackups,
    /// Change one's own password and TOTP.
    ManageOwnAccount,
}

use Permission::*;
use Role::*;

/// Who may do what. Reading down a column tells a clinic what a role can do.
const TABLE: &[(Permission, &[Role])] = &[
    (ViewQueue, &[FrontDesk, Doctor, Admin]),
    (ViewDemographics, &[FrontDesk, Doctor, Admin]),
    (ViewClinical, &[Doctor, Admin]),
    (ReviewIntake, &[Doctor, Admin]),
    (HandleConversations, &[FrontDesk, Admin]),
    (ManageAppointments, &[FrontDesk, Admin]),
    (ExportDemographics, &[FrontDesk, Doctor, Admin]),
    (ExportClinical, &[Doctor, Admin]),
    (ManageUsers, &[Admin]),
    (ManageSettings, &[Admin]),
    (ViewAudit, &[Admin]),
    (ManageBackups, &[Admin]),
    (ManageOwnAccount, &[FrontDesk, Doctor, Admin]),
];

impl Permission {
    /// Every permission, in table order.
    pub fn all() -> impl Iterator<Item = Permission> {
        TABLE.iter().map(|(p, _)| *p)
    }
}

pub fn allows(role: Role, permission: Permission) -> bool {
    TABLE
        .iter()
        .any(|(p, roles)| *p == permission && roles.contains(&role))
}

/// Everything a role may do, for the UI to decide what to show.
pub fn permissions_of(role: Role) -> Vec<Permission> {
    Permission::all().filter(|p| allows(role, *p)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Forces this file to be revisited when a permission is added: the match is exhaustive.
    fn listed(p: Permission) -> bool {
        match p {
            ViewQueue | ViewDemographics | ViewClinical | ReviewIntake | HandleConversations
            | ManageAppointments | ExportDemographics | ExportClinical | ManageUsers
            | ManageSettings | ViewAudit | ManageBackups | ManageOwnAccount => {
                TABLE.iter().filter(|(q, _)| *q == p).count() == 1
            }
        }
    }

    #[test]
    fn every_permission_appears_exactly_once() {
        for p in Permission::all() {
            assert!(listed(p), "{p:?}");
        }
        assert_eq!(Permission::all().count(), 13);
    }

    #[test]
    fn role_names_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
        assert_eq!(Role::parse("Admin"), None);
    }
}
