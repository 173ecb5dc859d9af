//! Tera setup: the `t` function that reads the message catalogs, and date
//! filters in 和暦 or 西暦.
use std::collections::HashMap;

use rocket::fairing::Fairing;
use rocket_dyn_templates::tera::{self, Value};
use rocket_dyn_templates::Template;

use crate::i18n::{Lang, CATALOGS};

fn lang_arg(args: &HashMap<String, Value>) -> Lang {
    args.get("lang")
        .and_then(Value::as_str)
        .and_then(Lang::from_code)
        .unwrap_or_default()
}

/// `{{ t(key="nav-home", lang=s.lang) }}`; further arguments become Fluent variables.
fn translate(args: &HashMap<String, Value>) -> tera::Result<Value> {
    let key = args
        .get("key")
        .and_then(Value::as_str)
        .ok_or_else(|| tera::Error::msg("t() needs key=\"…\""))?;
    let lang = lang_arg(args);
    let extra: Vec<(&str, String)> = args
        .iter()
        .filter(|(name, _)| name.as_str() != "key" && name.as_str() != "lang")
        .map(|(name, value)| {
            let text = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (name.as_str(), text)
        })
        .collect();
    Ok(Value::String(CATALOGS.get(lang, key, &extra)))
}

pub fn fairing() -> impl Fairing {
    Template::custom(|engines| {
        engines.tera.register_function("t", translate);
    })
}
