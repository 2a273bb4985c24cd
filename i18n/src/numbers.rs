//! Money, numbers and dates as each language writes them (after CLDR): `€1,234.50` in English,
//! `1.234,50 €` in German, Slovenian, Macedonian and Serbian, `1 234,50 €` in Bulgarian and
//! Hungarian (a no-break space groups thousands), the local names of the region's currencies where
//! the language has one (`ден.`, `дин.`/`din.`, `Ft`), the ISO code otherwise; dates in the
//! language's order, 24-hour clocks everywhere. Amounts stay exact: they are written from integer
//! minor units, never through a float.

/// The no-break space that keeps an amount and its currency (and thousands) on one line.
const NBSP: &str = "\u{a0}";

/// How a language writes an amount of one currency: separators and what goes around the number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MoneyStyle {
    pub decimal: &'static str,
    pub group: &'static str,
    pub prefix: String,
    pub suffix: String,
}

fn separators(lang: &str) -> (&'static str, &'static str) {
    match lang {
        "en" => (".", ","),
        "bg" | "hu" => (",", NBSP),
        // de, sl, mk, sr, sr-Latn
        _ => (",", "."),
    }
}

/// The style of `currency` (ISO 4217 code) in `lang`.
pub fn money_style(lang: &str, currency: &str) -> MoneyStyle {
    let (decimal, group) = separators(lang);
    let local = match (currency, lang) {
        ("EUR", "en") => {
            return MoneyStyle {
                decimal,
                group,
                prefix: "€".into(),
                suffix: String::new(),
            };
        }
        ("EUR", _) => "€",
        ("MKD", "mk") => "ден.",
        ("RSD", "sr") => "дин.",
        ("RSD", "sr-Latn") => "din.",
        ("HUF", "hu") => "Ft",
        (code, _) => code,
    };
    MoneyStyle {
        decimal,
        group,
        prefix: String::new(),
        suffix: format!("{NBSP}{local}"),
    }
}

/// Digits grouped by three from the right with `group`.
fn grouped(digits: &str, group: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * group.len());
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(group);
        }
        out.push(ch);
    }
    out
}

/// `minor` units of `currency` (with `exponent` digits after the point) as `lang` writes it.
pub fn money(lang: &str, minor: i64, currency: &str, exponent: u32) -> String {
    let style = money_style(lang, currency);
    let abs = minor.unsigned_abs();
    let unit = 10u64.pow(exponent.min(18));
    let whole = grouped(&(abs / unit).to_string(), style.group);
    let number = if exponent == 0 {
        whole
    } else {
        format!(
            "{whole}{}{:0width$}",
            style.decimal,
            abs % unit,
            width = exponent as usize
        )
    };
    let sign = if minor < 0 { "-" } else { "" };
    format!("{sign}{}{number}{}", style.prefix, style.suffix)
}

/// A date as `lang` writes it: `3 Dec 2026` (en), `03.12.2026` (bg, de, mk), `3. 12. 2026` (sl),
/// `03.12.2026.` (sr), `2026. 12. 03.` (hu).
pub fn date(lang: &str, year: i16, month: i8, day: i8) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    match lang {
        "en" => format!(
            "{day} {} {year}",
            MONTHS[usize::try_from(month.clamp(1, 12) - 1).unwrap_or(0)]
        ),
        "sl" => format!("{day}. {month}. {year}"),
        "sr" | "sr-Latn" => format!("{day:02}.{month:02}.{year}."),
        "hu" => format!("{year}. {month:02}. {day:02}."),
        // bg, de, mk
        _ => format!("{day:02}.{month:02}.{year}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_written_the_way_each_language_writes_it() {
        let nb = |s: &str| s.replace(' ', NBSP);
        assert_eq!(money("en", 123_450, "EUR", 2), "€1,234.50");
        assert_eq!(money("de", 123_450, "EUR", 2), nb("1.234,50 €"));
        assert_eq!(money("sl", 123_450, "EUR", 2), nb("1.234,50 €"));
        assert_eq!(money("bg", 123_450, "EUR", 2), nb("1 234,50 €"));
        assert_eq!(money("hu", 123_450, "HUF", 2), nb("1 234,50 Ft"));
        assert_eq!(money("mk", 9_200_000, "MKD", 2), nb("92.000,00 ден."));
        assert_eq!(money("sr", 17_500, "RSD", 2), nb("175,00 дин."));
        assert_eq!(money("sr-Latn", 17_500, "RSD", 2), nb("175,00 din."));
        assert_eq!(money("en", 17_500, "RSD", 2), nb("175.00 RSD"));
        assert_eq!(money("de", -350, "EUR", 2), nb("-3,50 €"));
        assert_eq!(money("en", -350, "EUR", 2), "-€3.50");
        assert_eq!(money("en", 1_234_567, "JPY", 0), nb("1,234,567 JPY"));
        assert_eq!(money("en", 5, "EUR", 2), "€0.05");
        assert_eq!(
            money("de", i64::MIN, "EUR", 2),
            nb("-92.233.720.368.547.758,08 €")
        );
    }

    #[test]
    fn dates_are_written_in_each_languages_order() {
        assert_eq!(date("en", 2026, 12, 3), "3 Dec 2026");
        assert_eq!(date("de", 2026, 12, 3), "03.12.2026");
        assert_eq!(date("sl", 2026, 12, 3), "3. 12. 2026");
        assert_eq!(date("sr", 2026, 12, 3), "03.12.2026.");
        assert_eq!(date("hu", 2026, 12, 3), "2026. 12. 03.");
    }
}
