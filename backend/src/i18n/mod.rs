//! Translations: the shared `townpass-i18n` crate (one Project Fluent file per language in
//! i18n/locales/, English as the reference and the fallback), and `present`, which writes the
//! catalogue's names, money and times for a page.

pub mod present;

pub use townpass_i18n::{Arg, format, languages, supported, t, tf};

/// Picks a language from the `Accept-Language` header (quality-ordered, region subtags
/// understood), else English.
pub fn from_accept_language(header: Option<&str>) -> &'static str {
    townpass_i18n::from_accept_language(header, townpass_i18n::REFERENCE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_language_is_chosen_by_quality_and_falls_back_to_english() {
        assert_eq!(from_accept_language(Some("bg-BG,bg;q=0.9,en;q=0.8")), "bg");
        assert_eq!(from_accept_language(Some("de-AT;q=0.9,bg;q=0.5")), "de");
        assert_eq!(from_accept_language(Some("fr;q=0.9,bg;q=0.5")), "bg");
        assert_eq!(from_accept_language(Some("fr")), "en");
        assert_eq!(from_accept_language(None), "en");
    }

    #[test]
    fn counts_take_the_plural_form_of_the_language() {
        let hours = |lang, n: i64| format(lang, "validity_hours", &[("hours", Arg::Number(n))]);
        assert_eq!(hours("en", 1), "Valid 1 hour from the first visit");
        assert_eq!(hours("en", 72), "Valid 72 hours from the first visit");
        assert_eq!(hours("bg", 1), "Валидна 1 час от първото посещение");
        assert_eq!(hours("bg", 24), "Валидна 24 часа от първото посещение");
        assert_eq!(hours("de", 1), "Gültig 1 Stunde ab dem ersten Besuch");
    }
}
