//! Revenue sharing: hand-computed scenarios for each model, and the invariant over random sales,
//! refunds and visits: for every currency, payables + commissions + operator fees + breakage =
//! gross sales - refunds, to the minor unit.

use std::collections::BTreeMap;

use proptest::prelude::*;
use townpass_core::money::{Model, PassSplit, Sale, Visit, settle_pass};

fn visit(paid: bool, reimbursement: i64, rack_rate: i64) -> Visit {
    Visit {
        paid,
        reimbursement,
        rack_rate,
    }
}

#[test]
fn per_visit_pays_each_paid_visit_its_reimbursement_and_the_rest_is_breakage() {
    // Sofia City Pass 24 h, adult 20.00 EUR, sold at Hotel Balkan (8 %), operator fee 8 %.
    // commission = 8 % of 2000 = 160; operator fee = 8 % of 2000 = 160; net = 2000 - 320 = 1680.
    // Visits: NIM (reimbursement 600), Boyana (700), NIM again the same day (not paid).
    // Paid out 600 + 700 = 1300; breakage = 1680 - 1300 = 380.
    let sale = Sale {
        price: 2000,
        commission_bp: 800,
        operator_fee_bp: 800,
        refunded: false,
    };
    let split = settle_pass(
        &sale,
        &Model::PerVisit,
        &[
            visit(true, 600, 1000),
            visit(true, 700, 1200),
            visit(false, 600, 1000),
        ],
    );
    assert_eq!(
        split,
        PassSplit {
            gross: 2000,
            refund: 0,
            commission: 160,
            operator_fee: 160,
            visits: vec![600, 700, 0],
            shares: vec![],
            breakage: 380,
        }
    );
    assert!(split.balances());
}

#[test]
fn per_visit_can_pay_out_more_than_the_net_and_breakage_goes_negative() {
    // Web sale (no commission), 10.00 EUR, fee 10 %: net 900. Four visits at 300 = 1200.
    // breakage = 900 - 1200 = -300: the breakage recipient carries the loss.
    let sale = Sale {
        price: 1000,
        commission_bp: 0,
        operator_fee_bp: 1000,
        refunded: false,
    };
    let split = settle_pass(&sale, &Model::PerVisit, &[visit(true, 300, 0); 4]);
    assert_eq!(split.visits, vec![300; 4]);
    assert_eq!((split.operator_fee, split.breakage), (100, -300));
    assert!(split.balances());
}

#[test]
fn pool_splits_the_net_over_visits_by_rack_rate_with_largest_remainders() {
    // Bulgaria Heritage Pass 72 h, adult 45.00 EUR, sold at Sofia TIC (5 %), operator fee 10 %.
    // commission = 225; fee = 450; net = 4500 - 675 = 3825.
    // Visits with rack rates 1000 (NIM), 800 (Tsarevets), 600 (Ancient Theatre) = 2400:
    //   3825 * 1000 / 2400 = 1593.75 -> 1593 (.75)
    //   3825 *  800 / 2400 = 1275.00 -> 1275 (.00)
    //   3825 *  600 / 2400 =  956.25 ->  956 (.25)
    // floors sum to 3824; the one cent left goes to the largest remainder (.75): NIM 1594.
    let sale = Sale {
        price: 4500,
        commission_bp: 500,
        operator_fee_bp: 1000,
        refunded: false,
    };
    let split = settle_pass(
        &sale,
        &Model::Pool,
        &[
            visit(true, 0, 1000),
            visit(true, 0, 800),
            visit(false, 0, 800), // the same offer again that day: carries no weight
            visit(true, 0, 600),
        ],
    );
    assert_eq!(
        (split.commission, split.operator_fee),
        (225, 450),
        "{split:?}"
    );
    assert_eq!(split.visits, vec![1594, 1275, 0, 956]);
    assert_eq!(split.breakage, 0);
    assert!(split.balances());
}

#[test]
fn a_pool_pass_never_used_is_all_breakage() {
    // 45.00 EUR on the web, fee 10 %: net 4050, no visits: breakage 4050.
    let sale = Sale {
        price: 4500,
        commission_bp: 0,
        operator_fee_bp: 1000,
        refunded: false,
    };
    let split = settle_pass(&sale, &Model::Pool, &[visit(false, 0, 1000)]);
    assert_eq!((split.operator_fee, split.breakage), (450, 4050));
    assert_eq!(split.visits, vec![0]);
    assert!(split.balances());
}

#[test]
fn pool_visits_without_rack_rates_share_equally() {
    // net 100 (no fee, no commission) over three visits whose offers have no rack rate: 34/33/33.
    let sale = Sale {
        price: 100,
        commission_bp: 0,
        operator_fee_bp: 0,
        refunded: false,
    };
    let split = settle_pass(&sale, &Model::Pool, &[visit(true, 0, 0); 3]);
    assert_eq!(split.visits, vec![34, 33, 33]);
}

#[test]
fn fixed_share_splits_the_net_by_weights_whatever_the_visits() {
    // Discount booklet, adult 9.00 EUR, sold at Plovdiv TIC (5 %), operator fee 15 %.
    // commission = 45; fee = 135; net = 900 - 180 = 720; shares 2:1:1 -> 360 / 180 / 180.
    let sale = Sale {
        price: 900,
        commission_bp: 500,
        operator_fee_bp: 1500,
        refunded: false,
    };
    let split = settle_pass(&sale, &Model::FixedShare(vec![2, 1, 1]), &[]);
    assert_eq!((split.commission, split.operator_fee), (45, 135));
    assert_eq!(split.shares, vec![360, 180, 180]);
    assert_eq!(split.breakage, 0);
    // Student 6.00 EUR on the web: fee 90, net 510 over 2:1:1 = 255 / 127.5 / 127.5 ->
    // floors 255 + 127 + 127 = 509; the cent goes to the first of the tied .5 remainders.
    let split = settle_pass(
        &Sale {
            price: 600,
            commission_bp: 0,
            operator_fee_bp: 1500,
            refunded: false,
        },
        &Model::FixedShare(vec![2, 1, 1]),
        &[],
    );
    assert_eq!(split.shares, vec![255, 128, 127]);
    assert!(split.balances());
}

#[test]
fn a_refunded_pass_pays_nobody() {
    let sale = Sale {
        price: 4500,
        commission_bp: 500,
        operator_fee_bp: 1000,
        refunded: true,
    };
    let split = settle_pass(&sale, &Model::Pool, &[visit(true, 0, 1000)]);
    assert_eq!((split.gross, split.refund), (4500, 4500));
    assert_eq!(split.distributed(), 0);
    assert_eq!(split.visits, vec![0]);
}

/// One random pass: (currency index, sale, model, visits).
type RandomPass = (usize, Sale, Model, Vec<Visit>);

fn arb_model() -> impl Strategy<Value = Model> {
    prop_oneof![
        Just(Model::PerVisit),
        Just(Model::Pool),
        proptest::collection::vec(0u64..10, 0..5).prop_map(Model::FixedShare),
    ]
}

fn arb_pass() -> impl Strategy<Value = RandomPass> {
    (
        0usize..3,
        0i64..2_000_000,
        0u32..3_000,
        0u32..3_000,
        proptest::bool::weighted(0.1),
        arb_model(),
        proptest::collection::vec((any::<bool>(), 0i64..5_000, 0i64..5_000), 0..8),
    )
        .prop_map(
            |(cur, price, commission_bp, operator_fee_bp, refunded, model, v)| {
                (
                    cur,
                    Sale {
                        price,
                        commission_bp,
                        operator_fee_bp,
                        refunded,
                    },
                    model,
                    v.into_iter()
                        .map(|(paid, reimbursement, rack_rate)| Visit {
                            paid,
                            reimbursement,
                            rack_rate,
                        })
                        .collect(),
                )
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn every_currency_balances_to_the_cent(passes in proptest::collection::vec(arb_pass(), 0..60)) {
        // per currency: (gross - refunds, handed out)
        let mut totals: BTreeMap<usize, (i128, i128)> = BTreeMap::new();
        for (currency, sale, model, visits) in &passes {
            let split = settle_pass(sale, model, visits);
            prop_assert!(split.balances(), "{split:?}");
            prop_assert_eq!(split.visits.len(), visits.len());
            // Unpaid visits earn nothing; a refund pays nobody.
            for (amount, v) in split.visits.iter().zip(visits) {
                prop_assert!(v.paid || *amount == 0);
            }
            if sale.refunded {
                prop_assert_eq!(split.distributed(), 0);
            }
            let t = totals.entry(*currency).or_default();
            t.0 += i128::from(split.gross) - i128::from(split.refund);
            t.1 += split.distributed();
        }
        for (currency, (taken, handed_out)) in totals {
            prop_assert_eq!(taken, handed_out, "currency {}", currency);
        }
    }

    #[test]
    fn the_same_input_always_gives_the_same_split(pass in arb_pass()) {
        let (_, sale, model, visits) = pass;
        prop_assert_eq!(settle_pass(&sale, &model, &visits), settle_pass(&sale, &model, &visits));
    }

    #[test]
    fn largest_remainder_parts_add_up_and_stay_within_a_unit_of_the_exact_share(
        total in -1_000_000_000i64..1_000_000_000,
        weights in proptest::collection::vec(0u64..1_000, 1..20),
    ) {
        if let Some(parts) = townpass_core::money::split(total, &weights) {
            prop_assert_eq!(parts.iter().map(|p| i128::from(*p)).sum::<i128>(), i128::from(total));
            let sum: i128 = weights.iter().map(|w| i128::from(*w)).sum();
            for (p, w) in parts.iter().zip(&weights) {
                let exact_times_sum = i128::from(total) * i128::from(*w);
                // |p - exact| < 1  <=>  |p * sum - exact * sum| < sum
                prop_assert!((i128::from(*p) * sum - exact_times_sum).abs() < sum);
            }
        } else {
            prop_assert!(weights.iter().all(|w| *w == 0));
        }
    }
}
