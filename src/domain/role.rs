//! What a user may do. Each role includes the powers of the ones below it,
//! so permission checks compare with `at_least` rather than listing roles.

use std::fmt;
use std::str::FromStr;

use super::DomainError;

/// Ordered from least to most privileged; the derived `Ord` relies on the
/// declaration order, so do not reorder the variants.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Trainee,
    Instructor,
    Staff,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Trainee, Role::Instructor, Role::Staff, Role::Admin];

    /// The stable name used in the database, in JSON and in forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Trainee => "trainee",
            Role::Instructor => "instructor",
            Role::Staff => "staff",
            Role::Admin => "admin",
        }
    }

    /// Accepts exactly the names `as_str` produces; roles come from select
    /// boxes and stored rows, so anything else is tampering or a bug.
    pub fn parse(field: &'static str, s: &str) -> Result<Role, DomainError> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == s)
            .ok_or(DomainError::new(field, "err-role-invalid"))
    }

    pub fn at_least(self, other: Role) -> bool {
        self >= other
    }

    /// Fluent message id of the role's human-readable name.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::Trainee => "role-trainee",
            Role::Instructor => "role-instructor",
            Role::Staff => "role-staff",
            Role::Admin => "role-admin",
        }
    }
}

impl FromStr for Role {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::parse("role", s)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_from_trainee_to_admin() {
        assert!(Role::Trainee < Role::Instructor);
        assert!(Role::Instructor < Role::Staff);
        assert!(Role::Staff < Role::Admin);
        let mut sorted = Role::ALL;
        sorted.sort();
        assert_eq!(sorted, Role::ALL);
    }

    #[test]
    fn a_higher_role_has_at_least_the_powers_of_a_lower_one() {
        assert!(Role::Admin.at_least(Role::Staff));
        assert!(Role::Staff.at_least(Role::Staff));
        assert!(!Role::Instructor.at_least(Role::Staff));
        assert!(!Role::Trainee.at_least(Role::Instructor));
    }

    #[test]
    fn every_role_parses_back_from_its_name() {
        for role in Role::ALL {
            assert_eq!(Role::parse("role", role.as_str()), Ok(role));
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
            assert_eq!(role.to_string(), role.as_str());
        }
    }

    #[test]
    fn unknown_or_differently_cased_names_are_rejected() {
        for raw in ["", "root", "Admin", " admin", "admin "] {
            assert_eq!(
                Role::parse("new_role", raw),
                Err(DomainError::new("new_role", "err-role-invalid")),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn serde_uses_the_same_names_as_as_str() {
        for role in Role::ALL {
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.as_str()));
            assert_eq!(serde_json::from_str::<Role>(&json).unwrap(), role);
        }
    }

    #[test]
    fn each_role_has_its_own_label_key() {
        let keys: Vec<_> = Role::ALL.into_iter().map(Role::label_key).collect();
        assert_eq!(
            keys,
            [
                "role-trainee",
                "role-instructor",
                "role-staff",
                "role-admin"
            ]
        );
    }
}
