//! Translations: one TOML file per language in backend/i18n/ (embedded at build time), English
//! as the reference and the fallback. Adding a language is adding one file.

pub mod present;

use std::collections::HashMap;
use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/languages.rs"));

type Table = HashMap<String, String>;

fn tables() -> &'static HashMap<&'static str, Table> {
    static TABLES: OnceLock<HashMap<&'static str, Table>> = OnceLock::new();
    TABLES.get_or_init(|| {
        LANGUAGES
            .iter()
            .filter_map(|(code, text)| match toml::from_str::<Table>(text) {
                Ok(t) => Some((*code, t)),
                Err(e) => {
                    tracing::error!(language = code, error = %e, "translation file does not parse; skipped");
                    None
                }
            })
            .collect()
    })
}

/// The languages on offer: (code, own name), English first.
pub fn languages() -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<_> = LANGUAGES
        .iter()
        .map(|(code, _)| {
            (
                *code,
                tables()
                    .get(code)
                    .and_then(|t| t.get("_name"))
                    .map_or(*code, |n| n.as_str()),
            )
        })
        .collect();
    out.sort_by_key(|(code, _)| (*code != "en", *code));
    out
}

/// A supported language code, or `None`.
pub fn supported(code: &str) -> Option<&'static str> {
    let code = code.trim().to_ascii_lowercase();
    let primary = code.split(['-', '_']).next().unwrap_or("");
    LANGUAGES.iter().map(|(c, _)| *c).find(|c| *c == primary)
}

/// Picks a language from the `Accept-Language` header (quality-ordered), else English.
pub fn from_accept_language(header: Option<&str>) -> &'static str {
    let mut options: Vec<(f32, &str)> = header
        .unwrap_or("")
        .split(',')
        .filter_map(|part| {
            let mut it = part.split(';');
            let tag = it.next()?.trim();
            let q = it
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse().ok())
                .unwrap_or(1.0);
            Some((q, tag))
        })
        .collect();
    options.sort_by(|a, b| b.0.total_cmp(&a.0));
    options
        .iter()
        .find_map(|(_, tag)| supported(tag))
        .unwrap_or("en")
}

/// The text for `key` in `lang`, falling back to English, then to the key itself.
pub fn t(lang: &str, key: &str) -> String {
    tables()
        .get(lang)
        .and_then(|t| t.get(key))
        .or_else(|| tables().get("en").and_then(|t| t.get(key)))
        .cloned()
        .unwrap_or_else(|| key.to_string())
}

/// `t` with `{name}` placeholders filled in.
pub fn tf(lang: &str, key: &str, args: &[(&str, &str)]) -> String {
    let mut s = t(lang, key);
    for (name, value) in args {
        s = s.replace(&format!("{{{name}}}"), value);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_translates_every_english_key_and_no_others() {
        let en = &tables()["en"];
        for (code, table) in tables() {
            for key in en.keys() {
                assert!(table.contains_key(key), "{code}.toml lacks '{key}'");
            }
            for key in table.keys() {
                assert!(
                    en.contains_key(key),
                    "{code}.toml has '{key}', which en.toml does not"
                );
            }
            for (key, text) in table {
                let holes = |s: &str| s.matches('{').count();
                assert_eq!(
                    holes(text),
                    holes(&en[key]),
                    "{code}.toml '{key}' placeholders differ from English"
                );
            }
        }
        assert!(tables().len() >= 2, "English and Bulgarian at least");
    }

    #[test]
    fn the_browser_language_is_chosen_by_quality_and_falls_back_to_english() {
        assert_eq!(from_accept_language(Some("bg-BG,bg;q=0.9,en;q=0.8")), "bg");
        assert_eq!(from_accept_language(Some("de;q=0.9,bg;q=0.5")), "bg");
        assert_eq!(from_accept_language(Some("fr")), "en");
        assert_eq!(from_accept_language(None), "en");
        assert_eq!(
            tf("bg", "from_price", &[("price", "45.00 EUR")]),
            "от 45.00 EUR"
        );
    }
}
