//! townpass's words in every language: one [Project Fluent](https://projectfluent.org) file per
//! language in `locales/` (`en.ftl`, `bg.ftl`, `sr-Latn.ftl`, ...), embedded at build time, with
//! English as the reference and the fallback. Fluent gives each language its own plural rules
//! (`{ $n -> [one] ... *[other] ... }`), so "1 visit" and "5 visits" are each right in every
//! language. Adding a language is adding one file: no code.
//!
//! The server, the scanner binary and the web scanner (WebAssembly) share these files.

pub mod numbers;
pub mod verdict;

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

include!(concat!(env!("OUT_DIR"), "/files.rs"));

/// The reference language, and the one every missing word falls back to.
pub const REFERENCE: &str = "en";

/// A value for a message's `{ $name }`: text, or a number (which plural rules select on).
#[derive(Clone, Copy, Debug)]
pub enum Arg<'a> {
    Text(&'a str),
    Number(i64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(s: &'a str) -> Self {
        Arg::Text(s)
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(s: &'a String) -> Self {
        Arg::Text(s)
    }
}

impl From<i64> for Arg<'_> {
    fn from(n: i64) -> Self {
        Arg::Number(n)
    }
}

impl From<u32> for Arg<'_> {
    fn from(n: u32) -> Self {
        Arg::Number(i64::from(n))
    }
}

impl From<usize> for Arg<'_> {
    fn from(n: usize) -> Self {
        Arg::Number(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

struct Language {
    code: &'static str,
    bundle: FluentBundle<FluentResource>,
    /// The messages the file defines, in file order, each with the `$variables` it uses.
    messages: Vec<(&'static str, Vec<String>)>,
}

fn languages_loaded() -> &'static [Language] {
    static LOADED: OnceLock<Vec<Language>> = OnceLock::new();
    LOADED.get_or_init(|| {
        FILES
            .iter()
            .map(|(code, text)| load(code, text).0)
            .collect()
    })
}

/// One file as a language, and what was wrong with it (a syntax error, an id defined twice, a
/// file name that is not a language tag). A file with problems still serves the messages that
/// are right (the test below refuses any problem, so none ships).
fn load(code: &'static str, text: &'static str) -> (Language, Vec<String>) {
    let mut problems = Vec::new();
    let id: unic_langid::LanguageIdentifier = code.parse().unwrap_or_else(|e| {
        problems.push(format!(
            "{code}.ftl: the file name is not a language tag ({e:?})"
        ));
        unic_langid::LanguageIdentifier::default()
    });
    let resource = FluentResource::try_new(text.to_string()).unwrap_or_else(|(partial, errors)| {
        problems.extend(errors.iter().map(|e| format!("{code}.ftl: {e:?}")));
        partial
    });
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Plain text out: our languages all read left to right, and the marks Fluent would put
    // around each value end up in e-mails, PDFs and CSVs.
    bundle.set_use_isolating(false);
    if let Err(errors) = bundle.add_resource(resource) {
        problems.extend(errors.iter().map(|e| format!("{code}.ftl: {e:?}")));
    }
    let language = Language {
        code,
        bundle,
        messages: messages_of(text),
    };
    (language, problems)
}

/// What is wrong with the translation files (empty when nothing is): for tests and start-up.
pub fn problems() -> Vec<String> {
    FILES
        .iter()
        .flat_map(|(code, text)| load(code, text).1)
        .collect()
}

/// The messages a Fluent file defines (`id = ...` at the start of a line, its value going on
/// in indented lines), each with the `$variables` its text uses.
fn messages_of(text: &'static str) -> Vec<(&'static str, Vec<String>)> {
    let mut out: Vec<(&'static str, Vec<String>)> = Vec::new();
    let mut current: Option<usize> = None;
    for line in text.lines() {
        let body = if line.starts_with(char::is_whitespace) {
            line
        } else {
            current = None;
            let Some((id, rest)) = line.split_once('=') else {
                continue;
            };
            let id = id.trim_end();
            let ok = id.starts_with(|c: char| c.is_ascii_alphabetic())
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !ok {
                continue;
            }
            out.push((id, Vec::new()));
            current = Some(out.len() - 1);
            rest
        };
        let Some((_, vars)) = current.and_then(|i| out.get_mut(i)) else {
            continue;
        };
        for rest in body.split('$').skip(1) {
            let var: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .collect();
            if !var.is_empty() && !vars.contains(&var) {
                vars.push(var);
            }
        }
    }
    for (_, vars) in &mut out {
        vars.sort();
    }
    out
}

fn language(code: &str) -> Option<&'static Language> {
    languages_loaded().iter().find(|l| l.code == code)
}

/// The languages on offer: (code, own name), English first, then by code.
pub fn languages() -> Vec<(&'static str, String)> {
    let mut out: Vec<_> = languages_loaded()
        .iter()
        .map(|l| (l.code, t(l.code, "language-name")))
        .collect();
    out.sort_by_key(|(code, _)| (*code != REFERENCE, *code));
    out
}

/// The language codes on offer.
pub fn codes() -> Vec<&'static str> {
    languages().into_iter().map(|(code, _)| code).collect()
}

/// The supported language a tag asks for: `bg`, `bg-BG` and `BG` give `bg`; `sr-Latn-RS` gives
/// `sr-Latn`; `sr-RS` and `sr-Cyrl` give `sr`. `None` for a language not on offer.
pub fn supported(tag: &str) -> Option<&'static str> {
    let tag = tag.trim().replace('_', "-");
    let mut parts = tag.split('-').filter(|p| !p.is_empty());
    let primary = parts.next()?.to_ascii_lowercase();
    let script = parts
        .next()
        .filter(|p| p.len() == 4 && p.chars().all(|c| c.is_ascii_alphabetic()));
    let find = |code: &str| {
        languages_loaded()
            .iter()
            .map(|l| l.code)
            .find(|c| c.eq_ignore_ascii_case(code))
    };
    script
        .and_then(|s| find(&format!("{primary}-{s}")))
        .or_else(|| find(&primary))
}

/// Picks a language from an `Accept-Language` header (by quality, region subtags understood),
/// else `default`.
pub fn from_accept_language(header: Option<&str>, default: &'static str) -> &'static str {
    let mut options: Vec<(f32, &str)> = header
        .unwrap_or("")
        .split(',')
        .filter_map(|part| {
            let mut it = part.split(';');
            let tag = it.next()?.trim();
            // No q is 1; an unreadable one leaves the tag out.
            let q = match it.find_map(|p| {
                let p = p.trim();
                (p.len() >= 2 && p[..2].eq_ignore_ascii_case("q=")).then(|| &p[2..])
            }) {
                None => 1.0,
                Some(q) => q.trim().parse::<f32>().ok()?,
            };
            (q > 0.0 && q.is_finite()).then_some((q, tag))
        })
        .collect();
    // Stable: equal qualities keep the browser's order.
    options.sort_by(|a, b| b.0.total_cmp(&a.0));
    options
        .iter()
        .find_map(|(_, tag)| supported(tag))
        .unwrap_or(default)
}

/// The text of message `key` in `lang`, falling back to English, then to the key itself.
pub fn t(lang: &str, key: &str) -> String {
    format(lang, key, &[])
}

/// [`t`] with `{ $name }` values filled in from text.
pub fn tf(lang: &str, key: &str, args: &[(&str, &str)]) -> String {
    let args: Vec<(&str, Arg)> = args.iter().map(|(k, v)| (*k, Arg::Text(v))).collect();
    format(lang, key, &args)
}

/// [`t`] with `{ $name }` values filled in, numbers as numbers (for plural rules).
pub fn format(lang: &str, key: &str, args: &[(&str, Arg)]) -> String {
    try_format(lang, key, args)
        .or_else(|| try_format(REFERENCE, key, args))
        .map_or_else(|| key.to_string(), |(text, _)| text)
}

/// The message in exactly `lang` (no fallback), and whether it formatted without error.
fn try_format(lang: &str, key: &str, args: &[(&str, Arg)]) -> Option<(String, bool)> {
    let language = language(lang)?;
    let message = language.bundle.get_message(key)?;
    let pattern = message.value()?;
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        match value {
            Arg::Text(s) => fluent_args.set(*name, FluentValue::from(*s)),
            Arg::Number(n) => fluent_args.set(*name, FluentValue::from(*n)),
        }
    }
    let mut errors = Vec::new();
    let text = language
        .bundle
        .format_pattern(pattern, Some(&fluent_args), &mut errors)
        .into_owned();
    Some((text, errors.is_empty()))
}

/// The message for a page's script to fill in: each `{ $name }` written as `{name}`. A value
/// given so is text: a plural selector on it always takes its default variant, so messages used
/// as templates must not select on their values.
pub fn template(lang: &str, key: &str) -> String {
    let marks: Vec<(String, String)> = variables(REFERENCE, key)
        .into_iter()
        .map(|v| (format!("{{{v}}}"), v))
        .collect();
    let args: Vec<(&str, Arg)> = marks
        .iter()
        .map(|(mark, name)| (name.as_str(), Arg::Text(mark)))
        .collect();
    format(lang, key, &args)
}

/// The message ids of `lang`'s file (empty for a language not on offer).
pub fn ids(lang: &str) -> Vec<&'static str> {
    language(lang)
        .map(|l| l.messages.iter().map(|(id, _)| *id).collect())
        .unwrap_or_default()
}

/// Whether `key` in exactly `lang` formats without error with `args` (for tests).
pub fn formats_cleanly(lang: &str, key: &str, args: &[(&str, Arg)]) -> bool {
    try_format(lang, key, args).is_some_and(|(_, clean)| clean)
}

/// The `$variables` a message of `lang`'s file uses, from its source text.
pub fn variables(lang: &str, key: &str) -> Vec<String> {
    language(lang)
        .and_then(|l| l.messages.iter().find(|(id, _)| *id == key))
        .map(|(_, vars)| vars.clone())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_english_message_and_each_formats_with_its_values() {
        assert_eq!(problems(), Vec::<String>::new());
        assert_eq!(codes().len(), FILES.len(), "every file is a language");
        let english = ids(REFERENCE);
        assert!(english.len() > 100, "{} messages", english.len());
        for code in codes() {
            let own = ids(code);
            for id in &english {
                assert!(own.contains(id), "{code}.ftl lacks '{id}'");
            }
            for id in &own {
                assert!(
                    english.contains(id),
                    "{code}.ftl has '{id}', which en.ftl does not"
                );
            }
            for id in &english {
                let wanted = variables(REFERENCE, id);
                for var in variables(code, id) {
                    assert!(
                        wanted.contains(&var),
                        "{code}.ftl '{id}' uses ${var}, which English does not give it"
                    );
                }
                // Every plural form: 0, 1, 2, 5, 21, 101.
                for n in [0i64, 1, 2, 5, 21, 101] {
                    let args: Vec<(&str, Arg)> = wanted
                        .iter()
                        .map(|v| (v.as_str(), Arg::Number(n)))
                        .collect();
                    assert!(
                        formats_cleanly(code, id, &args),
                        "{code}.ftl '{id}' does not format with {wanted:?} = {n}"
                    );
                }
            }
        }
    }

    /// Serbian's Latin file is made from its Cyrillic one (tools/sr_latn.py): the two never drift.
    #[test]
    fn serbian_in_latin_script_is_the_cyrillic_file_transliterated() {
        let file = |code: &str| {
            FILES
                .iter()
                .find(|(c, _)| *c == code)
                .map(|(_, text)| *text)
                .expect("file")
        };
        const CYRILLIC: &str = "абвгдђежзијклљмнњопрстћуфхцчџш";
        const LATIN: [&str; 30] = [
            "a", "b", "v", "g", "d", "đ", "e", "ž", "z", "i", "j", "k", "l", "lj", "m", "n", "nj",
            "o", "p", "r", "s", "t", "ć", "u", "f", "h", "c", "č", "dž", "š",
        ];
        let latin = |line: &str| -> String {
            line.chars()
                .map(|ch| {
                    let low = ch.to_lowercase().next().unwrap_or(ch);
                    match CYRILLIC.chars().position(|c| c == low) {
                        Some(i) if low == ch => LATIN[i].to_string(),
                        Some(i) => {
                            let mut l = LATIN[i].chars();
                            l.next()
                                .map(|f| f.to_uppercase().chain(l).collect())
                                .unwrap_or_default()
                        }
                        None => ch.to_string(),
                    }
                })
                .collect()
        };
        let cyrillic: Vec<&str> = file("sr").lines().collect();
        let made: Vec<&str> = file("sr-Latn").lines().collect();
        assert_eq!(
            cyrillic.len(),
            made.len(),
            "run python3 i18n/tools/sr_latn.py"
        );
        for (c, l) in cyrillic.iter().zip(&made) {
            if c.starts_with('#') && c.contains("ћирилица") || c.starts_with("language-name")
            {
                continue;
            }
            assert_eq!(latin(c), *l, "run python3 i18n/tools/sr_latn.py");
        }
        assert_eq!(supported("sr-Latn-RS"), Some("sr-Latn"));
        assert_eq!(supported("sr-latn"), Some("sr-Latn"));
        assert_eq!(supported("sr-RS"), Some("sr"));
        assert_eq!(supported("sr-Cyrl"), Some("sr"));
    }

    #[test]
    fn a_language_is_chosen_by_tag_script_and_quality_with_a_default() {
        assert_eq!(supported("bg-BG"), Some("bg"));
        assert_eq!(supported("BG"), Some("bg"));
        assert_eq!(supported("fr"), None);
        assert_eq!(supported(""), None);
        assert_eq!(
            from_accept_language(Some("bg-BG,bg;q=0.9,en;q=0.8"), "en"),
            "bg"
        );
        assert_eq!(from_accept_language(Some("fr;q=0.9,bg;q=0.5"), "en"), "bg");
        assert_eq!(from_accept_language(Some("fr"), "bg"), "bg");
        assert_eq!(from_accept_language(Some("bg;q=0"), "en"), "en");
        assert_eq!(from_accept_language(Some("de;Q=0.5,hu;q=0.9"), "en"), "hu");
        assert_eq!(from_accept_language(Some("de;q=abc,hu;q=0.1"), "en"), "hu");
        assert_eq!(from_accept_language(None, "en"), "en");
    }

    #[test]
    fn one_means_exactly_one_where_the_words_say_so_and_plural_forms_follow_each_language() {
        let choose = |lang, n: i64| format(lang, "choose_n", &[("n", Arg::Number(n))]);
        assert_eq!(choose("mk", 1), "Изберете една од понудите подолу");
        // 21 is in Macedonian's "one" class, but it is not "one offer".
        assert_eq!(choose("mk", 21), "Изберете до 21 од понудите подолу");
        let days = |lang, n: i64| format(lang, "validity_days", &[("days", Arg::Number(n))]);
        assert!(
            days("sr", 3).contains("3 календарска дана"),
            "{}",
            days("sr", 3)
        );
        assert!(
            days("sr", 7).contains("7 календарских дана"),
            "{}",
            days("sr", 7)
        );
        assert!(
            days("sl", 2).contains("2 koledarska dneva"),
            "{}",
            days("sl", 2)
        );
    }

    #[test]
    fn a_template_leaves_each_value_for_the_page_to_fill() {
        assert_eq!(template("en", "buy_total"), "Total: {total}");
        assert_eq!(
            template("de", "buy_family_hint"),
            "Ein Familienpass kostet {family}, weniger als {singles} für diese Einzelpässe."
        );
    }

    #[test]
    fn missing_words_fall_back_to_english_then_to_the_key() {
        assert_eq!(t("xx", "nav_shop"), t("en", "nav_shop"));
        assert_eq!(t("bg", "no-such-message"), "no-such-message");
        assert_eq!(
            tf("bg", "from_price", &[("price", "45.00 EUR")]),
            "от 45.00 EUR"
        );
    }
}
