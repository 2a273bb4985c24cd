//! The redemption rules, path by path, with exact times across the October DST change in
//! Europe/Sofia and a venue in another zone than its product.

use std::collections::{HashMap, HashSet};

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use townpass_core::catalog::{Limit, Names, Validity};
use townpass_core::rules::{self, Code, OfferRules, ProductRules, Use, Venue, World};
use townpass_core::{Category, Claims, IssuerKey, KeySet, KeyStatus, ProductId, Serial};

const SERIAL: Serial = Serial([0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6, 0x07, 0x18]);

fn names(en: &str, bg: &str) -> Names {
    [
        ("en".to_string(), en.to_string()),
        ("bg".to_string(), bg.to_string()),
    ]
    .into()
}

fn zone(name: &str) -> TimeZone {
    TimeZone::get(name).expect("zone")
}

/// Unix ms of a local wall-clock time, e.g. at("2026-10-24 10:00", "Europe/Sofia").
fn at(local: &str, tz: &str) -> i64 {
    let dt: jiff::civil::DateTime = local.replace(' ', "T").parse().expect("datetime");
    dt.to_zoned(zone(tz))
        .expect("zoned")
        .timestamp()
        .as_millisecond()
}

fn offer(code: &str, venue: &str, limit: Limit) -> OfferRules {
    OfferRules {
        code: code.into(),
        venue: venue.into(),
        name: Names::new(),
        limit,
        from: None,
        until: None,
        hours: None,
    }
}

struct TestWorld {
    keys: KeySet,
    revoked: HashSet<Serial>,
    products: HashMap<ProductId, ProductRules>,
    uses: Vec<Use>,
}

impl World for TestWorld {
    fn keys(&self) -> &KeySet {
        &self.keys
    }
    fn is_revoked(&self, serial: &Serial) -> bool {
        self.revoked.contains(serial)
    }
    fn product(&self, id: ProductId) -> Option<&ProductRules> {
        self.products.get(&id)
    }
    fn uses(&self, serial: &Serial) -> Vec<Use> {
        if *serial == SERIAL {
            self.uses.clone()
        } else {
            Vec::new()
        }
    }
}

fn active() -> IssuerKey {
    IssuerKey::from_seed(&[1; 32])
}
fn withdrawn() -> IssuerKey {
    IssuerKey::from_seed(&[2; 32])
}
fn stranger() -> IssuerKey {
    IssuerKey::from_seed(&[3; 32])
}

fn world(uses: Vec<Use>) -> TestWorld {
    let mut keys = KeySet::new();
    keys.insert(active().public().clone(), KeyStatus::Active);
    keys.insert(withdrawn().public().clone(), KeyStatus::Revoked);
    let sofia = zone("Europe/Sofia");
    let mut sound_light = offer("sound-light", "tsarevets", Limit::Once);
    sound_light.hours = Some((Time::constant(19, 0, 0, 0), Time::constant(23, 0, 0, 0)));
    let mut festival = offer("festival", "museum", Limit::Once);
    festival.from = Some(Date::constant(2026, 7, 1));
    festival.until = Some(Date::constant(2026, 7, 31));
    let products = [
        ProductRules {
            id: ProductId(1),
            name: names("Heritage Pass 72 h", "Карта Културно наследство 72 часа"),
            validity: Validity::Hours { hours: 72 },
            time_zone: sofia.clone(),
            choose: None,
            offers: vec![
                offer("tsarevets-entry", "tsarevets", Limit::Once),
                sound_light,
                offer("tavern", "tavern", Limit::Daily),
                festival,
                offer("belgrade-entry", "kalemegdan", Limit::Daily),
            ],
        },
        ProductRules {
            id: ProductId(2),
            name: names("Two days", "Два дни"),
            validity: Validity::Days { days: 2 },
            time_zone: sofia.clone(),
            choose: None,
            offers: vec![offer("museum-entry", "museum", Limit::Unlimited)],
        },
        ProductRules {
            id: ProductId(3),
            name: names("Choose two", "Изберете две"),
            validity: Validity::Days { days: 7 },
            time_zone: sofia.clone(),
            choose: Some(2),
            offers: vec![
                offer("a", "museum", Limit::Unlimited),
                offer("b", "tavern", Limit::Unlimited),
                offer("c", "tsarevets", Limit::Unlimited),
            ],
        },
        ProductRules {
            id: ProductId(4),
            name: names("One calendar day", "Един ден"),
            validity: Validity::Days { days: 1 },
            time_zone: sofia,
            choose: None,
            offers: vec![offer("belgrade-day", "kalemegdan", Limit::Unlimited)],
        },
    ];
    TestWorld {
        keys,
        revoked: HashSet::new(),
        products: products.into_iter().map(|p| (p.id, p)).collect(),
        uses,
    }
}

fn venue(code: &str) -> Venue {
    let (name, tz) = match code {
        "tsarevets" => (
            names("Tsarevets Fortress", "Крепост Царевец"),
            "Europe/Sofia",
        ),
        "tavern" => (names("Tavern", "Механа"), "Europe/Sofia"),
        "museum" => (names("Museum", "Музей"), "Europe/Sofia"),
        "kalemegdan" => (
            names("Kalemegdan Fortress", "Крепост Калемегдан"),
            "Europe/Belgrade",
        ),
        _ => (names("Elsewhere", "Другаде"), "Europe/Sofia"),
    };
    Venue {
        code: code.into(),
        name,
        time_zone: zone(tz),
    }
}

fn pass(product: u32, key: &IssuerKey, nbf: Option<u64>, exp: Option<u64>) -> String {
    let claims = Claims {
        serial: SERIAL,
        product: ProductId(product),
        category: Category::ADULT,
        holder: None,
        nbf,
        exp,
    };
    key.sign(&claims).expect("signs")
}

fn used(offer: &str, venue: &str, at_ms: i64, place: &str) -> Use {
    Use {
        offer: offer.into(),
        venue: venue.into(),
        at_ms,
        place: place.into(),
    }
}

const S: &str = "Europe/Sofia";
const B: &str = "Europe/Belgrade";

struct Case {
    name: &'static str,
    token: String,
    venue: &'static str,
    now: i64,
    offer: Option<&'static str>,
    uses: Vec<Use>,
    revoked: bool,
    code: Code,
    /// The English sentence, exactly (None: not checked here).
    en: Option<&'static str>,
}

fn cases() -> Vec<Case> {
    let p1 = pass(1, &active(), None, Some(1_830_000_000));
    let noon = at("2026-10-24 10:00", S);
    let mut flipped = p1.clone().into_bytes();
    let last = flipped.len() - 5;
    flipped[last] = if flipped[last] == b'A' { b'B' } else { b'A' };
    let case = |name, token: &String, venue, now, offer, uses, code, en| Case {
        name,
        token: token.clone(),
        venue,
        now,
        offer,
        uses,
        revoked: false,
        code,
        en,
    };
    vec![
        case(
            "first use is accepted and says until when",
            &p1,
            "tsarevets",
            noon,
            None,
            vec![],
            Code::Ok,
            Some("Heritage Pass 72 h · first use · valid until 27 Oct 09:00"),
        ),
        case(
            "text that is no token",
            &"hello".to_string(),
            "tsarevets",
            noon,
            None,
            vec![],
            Code::Malformed,
            Some("Not a townpass code: scan again or type it in"),
        ),
        case(
            "a changed character breaks the signature",
            &String::from_utf8(flipped).expect("ascii"),
            "tsarevets",
            noon,
            None,
            vec![],
            Code::BadSignature,
            Some("Forged or damaged code: do not admit"),
        ),
        case(
            "a key the device does not know",
            &pass(1, &stranger(), None, None),
            "tsarevets",
            noon,
            None,
            vec![],
            Code::UnknownKey,
            Some("Unknown issuer key: sync this device, then scan again"),
        ),
        case(
            "a withdrawn key comes before everything after it",
            &pass(9, &withdrawn(), None, Some(1)),
            "tsarevets",
            noon,
            None,
            vec![],
            Code::KeyRevoked,
            Some("Cancelled: issued with a withdrawn key"),
        ),
        Case {
            revoked: true,
            ..case(
                "a refunded pass",
                &p1,
                "tsarevets",
                noon,
                None,
                vec![],
                Code::Revoked,
                Some("Cancelled pass (refund or loss)"),
            )
        },
        case(
            "before its start date",
            &pass(1, &active(), Some(1_793_000_000), None),
            "tsarevets",
            noon,
            None,
            vec![],
            Code::NotYetValid,
            Some("Not valid yet, from 26 Oct 09:33"),
        ),
        case(
            "after its hard expiry",
            &pass(1, &active(), None, Some(1_790_000_000)),
            "tsarevets",
            noon,
            None,
            vec![],
            Code::Expired,
            Some("Expired on 21 Sep 17:13"),
        ),
        case(
            "a product this device does not carry",
            &pass(77, &active(), None, None),
            "tsarevets",
            noon,
            None,
            vec![],
            Code::UnknownProduct,
            Some("Not valid at this venue (product 77)"),
        ),
        case(
            "a venue the product does not include",
            &pass(2, &active(), None, None),
            "tsarevets",
            noon,
            None,
            vec![],
            Code::NotIncluded,
            Some("Two days does not include Tsarevets Fortress"),
        ),
        case(
            "an evening show in the morning",
            &p1,
            "tsarevets",
            noon,
            Some("sound-light"),
            vec![],
            Code::OutsideHours,
            Some("Valid here only 19:00–23:00"),
        ),
        case(
            "the evening show in the evening",
            &p1,
            "tsarevets",
            at("2026-10-24 20:30", S),
            Some("sound-light"),
            vec![],
            Code::Ok,
            None,
        ),
        case(
            "a summer festival in October",
            &p1,
            "museum",
            noon,
            None,
            vec![],
            Code::OutsideHours,
            Some("Valid here only 2026-07-01 – 2026-07-31"),
        ),
        case(
            "once per pass: used here before",
            &p1,
            "tsarevets",
            at("2026-10-25 11:00", S),
            Some("tsarevets-entry"),
            vec![used("tsarevets-entry", "tsarevets", noon, "Gate 1")],
            Code::AlreadyUsed,
            Some("Already used here on 24 Oct 10:00 (Gate 1)"),
        ),
        case(
            "once per pass: the other offer at the same venue is still open",
            &p1,
            "tsarevets",
            at("2026-10-24 21:00", S),
            None,
            vec![used("tsarevets-entry", "tsarevets", noon, "Gate 1")],
            Code::Ok,
            None,
        ),
        case(
            "once a day: used today at another gate",
            &p1,
            "tavern",
            at("2026-10-24 13:05", S),
            None,
            vec![used(
                "tavern",
                "tavern",
                at("2026-10-24 10:42", S),
                "Gate 2",
            )],
            Code::AlreadyUsed,
            Some("Already used here today at 10:42 (Gate 2)"),
        ),
        case(
            "once a day: yesterday's use does not count",
            &p1,
            "tavern",
            at("2026-10-25 09:00", S),
            None,
            vec![used(
                "tavern",
                "tavern",
                at("2026-10-24 10:42", S),
                "Gate 2",
            )],
            Code::Ok,
            None,
        ),
        // 72 h across the end of summer time (2026-10-25 04:00 EEST -> 03:00 EET): 72 real hours
        // after 24 Oct 10:00 EEST is 27 Oct 09:00 EET.
        case(
            "an offer asked for that is not at this venue",
            &p1,
            "museum",
            at("2026-10-27 08:59", S),
            Some("tsarevets-entry"),
            vec![used("tavern", "tavern", noon, "Till")],
            Code::NotIncluded,
            None,
        ),
        case(
            "72 h: still valid a minute before the end",
            &p1,
            "tavern",
            at("2026-10-27 08:59", S),
            None,
            vec![used("tsarevets-entry", "tsarevets", noon, "Gate 1")],
            Code::Ok,
            None,
        ),
        case(
            "72 h: over at the end, counted from the first use elsewhere",
            &p1,
            "tavern",
            at("2026-10-27 09:00", S),
            None,
            vec![used("tsarevets-entry", "tsarevets", noon, "Gate 1")],
            Code::ValidityElapsed,
            Some("Expired: 72 h from first use on 24 Oct 10:00"),
        ),
        // Two calendar days from 24 Oct: valid until midnight 26 Oct, local (EET by then).
        case(
            "2 days: last minute of the second day",
            &pass(2, &active(), None, None),
            "museum",
            at("2026-10-25 23:59", S),
            None,
            vec![used(
                "museum-entry",
                "museum",
                at("2026-10-24 15:00", S),
                "Desk",
            )],
            Code::Ok,
            None,
        ),
        case(
            "2 days: over at local midnight",
            &pass(2, &active(), None, None),
            "museum",
            at("2026-10-26 00:00", S),
            None,
            vec![used(
                "museum-entry",
                "museum",
                at("2026-10-24 15:00", S),
                "Desk",
            )],
            Code::ValidityElapsed,
            Some("Expired: 2 d from first use on 24 Oct 15:00"),
        ),
        case(
            "choose two: a third offer is refused",
            &pass(3, &active(), None, None),
            "tsarevets",
            noon,
            None,
            vec![
                used("a", "museum", noon - 7_200_000, "Desk"),
                used("b", "tavern", noon - 3_600_000, "Till"),
            ],
            Code::ChoiceUsedUp,
            Some("All 2 choices on this pass are used"),
        ),
        case(
            "choose two: a chosen offer can be used again",
            &pass(3, &active(), None, None),
            "museum",
            noon,
            None,
            vec![
                used("a", "museum", noon - 7_200_000, "Desk"),
                used("b", "tavern", noon - 3_600_000, "Till"),
            ],
            Code::Ok,
            None,
        ),
        // A Sofia product at a Belgrade venue: "once a day" is the venue's day (Belgrade, an hour
        // behind), calendar-day validity the product's (Sofia).
        case(
            "once a day in the venue's zone: still the same day in Belgrade",
            &p1,
            "kalemegdan",
            at("2026-11-18 23:15", B),
            None,
            vec![used(
                "belgrade-entry",
                "kalemegdan",
                at("2026-11-18 22:30", B),
                "Kiosk",
            )],
            Code::AlreadyUsed,
            Some("Already used here today at 22:30 (Kiosk)"),
        ),
        case(
            "once a day in the venue's zone: the next Belgrade day",
            &p1,
            "kalemegdan",
            at("2026-11-19 00:05", B),
            None,
            vec![used(
                "belgrade-entry",
                "kalemegdan",
                at("2026-11-18 22:30", B),
                "Kiosk",
            )],
            Code::Ok,
            None,
        ),
        // First use 18 Nov 23:30 Belgrade = 19 Nov 00:30 Sofia: day one is the 19th in Sofia, so the
        // pass ends at 20 Nov 00:00 Sofia = 19 Nov 23:00 Belgrade.
        case(
            "one calendar day in the product's zone: last minute",
            &pass(4, &active(), None, None),
            "kalemegdan",
            at("2026-11-19 22:59", B),
            None,
            vec![used(
                "belgrade-day",
                "kalemegdan",
                at("2026-11-18 23:30", B),
                "Kiosk",
            )],
            Code::Ok,
            None,
        ),
        case(
            "one calendar day in the product's zone: over",
            &pass(4, &active(), None, None),
            "kalemegdan",
            at("2026-11-19 23:00", B),
            None,
            vec![used(
                "belgrade-day",
                "kalemegdan",
                at("2026-11-18 23:30", B),
                "Kiosk",
            )],
            Code::ValidityElapsed,
            None,
        ),
    ]
}

#[test]
fn every_path_gives_its_code_and_sentence() {
    for c in cases() {
        let mut w = world(c.uses.clone());
        if c.revoked {
            w.revoked.insert(SERIAL);
        }
        let v = venue(c.venue);
        let verdict = rules::check(&c.token, &w, &v, c.now, c.offer);
        assert_eq!(verdict.code, c.code, "case '{}': {verdict:?}", c.name);
        assert_eq!(verdict.accepted(), c.code == Code::Ok, "case '{}'", c.name);
        let product = verdict.claims.as_ref().and_then(|cl| w.product(cl.product));
        let sentence = townpass_i18n::verdict::sentence(&verdict, "en", &v, product);
        if let Some(en) = c.en {
            assert_eq!(sentence, en, "case '{}'", c.name);
        }
        assert!(
            !sentence.is_empty() && sentence != verdict.code.as_str(),
            "case '{}' has words: {sentence}",
            c.name
        );
        // Every language has words for every path, with every fact filled in.
        for lang in townpass_i18n::codes() {
            let words = townpass_i18n::verdict::sentence(&verdict, lang, &v, product);
            assert!(
                !words.is_empty() && !words.contains('{') && words != verdict.code.as_str(),
                "case '{}' in {lang}: {words}",
                c.name
            );
            if lang != "en" && verdict.code != Code::Ok {
                assert_ne!(words, sentence, "case '{}' is translated to {lang}", c.name);
            }
        }
    }
}

#[test]
fn staff_read_the_verdict_in_bulgarian_too() {
    let p1 = pass(1, &active(), None, None);
    let w = world(vec![used(
        "tavern",
        "tavern",
        at("2026-10-24 10:42", S),
        "Каса 2",
    )]);
    let v = venue("tavern");
    let verdict = rules::check(&p1, &w, &v, at("2026-10-24 13:05", S), None);
    assert_eq!(
        townpass_i18n::verdict::sentence(&verdict, "bg", &v, w.product(ProductId(1))),
        "Вече използвана тук днес в 10:42 (Каса 2)"
    );
    let ok = rules::check(
        &p1,
        &world(vec![]),
        &venue("tsarevets"),
        at("2026-10-24 10:00", S),
        None,
    );
    assert_eq!(
        townpass_i18n::verdict::sentence(&ok, "bg", &venue("tsarevets"), w.product(ProductId(1))),
        "Карта Културно наследство 72 часа · първо ползване · валидна до 27 окт 09:00"
    );
}

#[test]
fn an_accepted_verdict_names_the_offer_and_the_pass() {
    let p1 = pass(1, &active(), None, None);
    let verdict = rules::check(
        &p1,
        &world(vec![]),
        &venue("tsarevets"),
        at("2026-10-24 10:00", S),
        None,
    );
    assert_eq!(
        verdict.offer.as_deref(),
        Some("tsarevets-entry"),
        "the first open offer at the venue"
    );
    assert_eq!(verdict.claims.map(|c| c.serial), Some(SERIAL));
    assert_eq!(verdict.kid, Some(active().kid()));
}

#[test]
fn validity_end_handles_both_dst_changes_in_sofia() {
    let sofia = zone(S);
    // Spring: 2026-03-29 03:00 EET -> 04:00 EEST. One calendar day from 28 Mar ends 29 Mar 00:00 EET.
    let first = at("2026-03-28 12:00", S);
    assert_eq!(
        rules::validity_end(&Validity::Days { days: 1 }, first, &sofia),
        Some(at("2026-03-29 00:00", S))
    );
    // Two days across the spring change: ends 30 Mar 00:00 EEST, 47 real hours after 28 Mar 01:00.
    let early = at("2026-03-28 01:00", S);
    let end = rules::validity_end(&Validity::Days { days: 2 }, early, &sofia).expect("end");
    assert_eq!(end, at("2026-03-30 00:00", S));
    assert_eq!(
        end - early,
        46 * 3_600_000,
        "23 + 23 hours: the change eats one"
    );
    // 24 h is always 24 real hours, whatever the clocks do.
    let autumn = at("2026-10-24 10:00", S);
    assert_eq!(
        rules::validity_end(&Validity::Hours { hours: 24 }, autumn, &sofia),
        Some(autumn + 86_400_000)
    );
    assert_eq!(
        rules::validity_end(
            &Validity::Dates {
                from: "2026-06-01".into(),
                until: "2026-09-30".into()
            },
            autumn,
            &sofia
        ),
        None
    );
}
