//! Sign-up input parsed into domain types, every field checked so the form can
//! show all problems at once.
use super::{DomainError, Email, Kana, Password, PersonName};

/// Raw sign-up fields as a form or JSON body sends them.
#[derive(Debug, Clone, Copy)]
pub struct SignupInput<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub family_name: &'a str,
    pub given_name: &'a str,
    pub family_name_kana: &'a str,
    pub given_name_kana: &'a str,
}

#[derive(Debug, Clone)]
pub struct NewAccount {
    pub email: Email,
    pub password: Password,
    pub family_name: PersonName,
    pub given_name: PersonName,
    pub family_name_kana: Kana,
    pub given_name_kana: Kana,
}

fn take<T>(result: Result<T, DomainError>, errors: &mut Vec<DomainError>) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

impl NewAccount {
    pub fn parse(input: &SignupInput<'_>) -> Result<NewAccount, Vec<DomainError>> {
        let mut errors = vec![];
        let email = take(Email::parse("email", input.email), &mut errors);
        let password = take(Password::parse("password", input.password), &mut errors);
        let family_name = take(
            PersonName::parse("family_name", input.family_name),
            &mut errors,
        );
        let given_name = take(
            PersonName::parse("given_name", input.given_name),
            &mut errors,
        );
        let family_name_kana = take(
            Kana::parse("family_name_kana", input.family_name_kana),
            &mut errors,
        );
        let given_name_kana = take(
            Kana::parse("given_name_kana", input.given_name_kana),
            &mut errors,
        );
        match (
            email,
            password,
            family_name,
            given_name,
            family_name_kana,
            given_name_kana,
        ) {
            (
                Some(email),
                Some(password),
                Some(family_name),
                Some(given_name),
                Some(fk),
                Some(gk),
            ) if errors.is_empty() => Ok(NewAccount {
                email,
                password,
                family_name,
                given_name,
                family_name_kana: fk,
                given_name_kana: gk,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> SignupInput<'static> {
        SignupInput {
            email: "hanako@example.jp",
            password: "a long enough password",
            family_name: "山田",
            given_name: "花子",
            family_name_kana: "ヤマダ",
            given_name_kana: "ハナコ",
        }
    }

    #[test]
    fn a_complete_form_parses() {
        let account = NewAccount::parse(&valid()).unwrap();
        assert_eq!(account.family_name.as_str(), "山田");
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let input = SignupInput {
            email: "not-an-email",
            password: "short",
            given_name_kana: "はなこ",
            ..valid()
        };
        let errors = NewAccount::parse(&input).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["email", "password", "given_name_kana"]);
    }
}
