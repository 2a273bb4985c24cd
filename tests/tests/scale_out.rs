//! Production runs several `townpass serve` instances on one PostgreSQL database. This runs two of
//! them (real binaries) with eight real scanners syncing through both in parallel, while passes are
//! refunded, e-mailed orders are sold through both and months are settled by the servers' workers;
//! then it checks that nothing was lost or counted twice: every visit stored once, every conflict
//! flagged once, every gate knowing every other gate's visits and every refund, every e-mail sent
//! once to a real SMTP listener, every settlement job run once.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Output;

use serde_json::Value;
use townpass_tests::{Backend, DataDir, Scanner, Server, demo_catalogue_path};

const VENUES: [&str; 2] = ["tsarevets", "nim-boyana"];
const GATES_PER_VENUE: usize = 4;
const ROUNDS: usize = 3;
const PASSES_PER_ROUND: usize = 12;
const ORDERS_PER_ROUND: usize = 4;
const REFUNDS_PER_ROUND: usize = 2;

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

struct Gate {
    venue: &'static str,
    name: String,
    scanner: Scanner,
}

#[test]
fn two_servers_eight_scanners_refunds_mail_and_settlement_all_exactly_once() {
    let Some(dir) = DataDir::on(Backend::Postgres) else {
        return;
    };
    let data = &dir;
    let smtp = townpass::testing::SmtpSink::start();
    let smtp_url = format!("smtp://127.0.0.1:{}", smtp.port);
    ok(&data.townpass(&[
        "catalog",
        "apply",
        demo_catalogue_path().to_str().expect("path"),
    ]));
    let env = [
        ("TOWNPASS_SMTP_URL", smtp_url.as_str()),
        ("TOWNPASS_MAIL_INTERVAL", "1"),
    ];
    let servers = [
        Server::start_with(data, &env),
        Server::start_with(data, &env),
    ];
    let key = ok(&data.townpass(&[
        "api-keys",
        "add",
        "--sales-point",
        "sofia-tic",
        "--name",
        "scale-out test",
    ]))
    .lines()
    .nth(1)
    .expect("the key's line")
    .trim()
    .to_string();
    let issued: Value = serde_json::from_str(&ok(&data.townpass(&[
        "issue",
        "--product",
        "bulgaria-72h",
        "--category",
        "adult",
        "--count",
        &(ROUNDS * PASSES_PER_ROUND).to_string(),
        "--json",
    ])))
    .expect("json");
    let passes: Vec<(String, String)> = issued["passes"]
        .as_array()
        .expect("passes")
        .iter()
        .map(|p| {
            (
                p["serial"].as_str().expect("serial").to_string(),
                p["token"].as_str().expect("token").to_string(),
            )
        })
        .collect();

    // Eight gates, four at each venue, half of them enrolled (and syncing) through each server.
    let gates: Vec<Gate> = VENUES
        .iter()
        .flat_map(|venue| (0..GATES_PER_VENUE).map(move |g| (*venue, g)))
        .map(|(venue, g)| {
            let name = format!("Gate {}", g + 1);
            let scanner = Scanner::enrolled(&servers[g % 2], data, venue, &name);
            Gate {
                venue,
                name,
                scanner,
            }
        })
        .collect();

    let mut admitted: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut refunded: BTreeSet<String> = BTreeSet::new();
    let mut orders = 0;
    for round in 0..ROUNDS {
        let fresh = &passes[round * PASSES_PER_ROUND..(round + 1) * PASSES_PER_ROUND];
        // Offline: pass k is let in at two gates of one venue (a conflict the server must flag
        // once: the later scan) and at one gate of the other venue (valid).
        let plan = |venue: &str, gate: usize| -> Vec<&str> {
            fresh
                .iter()
                .enumerate()
                .filter(|(k, _)| {
                    let (twice, once) = (VENUES[k % 2], VENUES[(k + 1) % 2]);
                    (venue == twice && (gate == k % 4 || gate == (k + 1) % 4))
                        || (venue == once && gate == k % 4)
                })
                .map(|(_, (_, token))| token.as_str())
                .collect()
        };
        let results: Vec<usize> = std::thread::scope(|scope| {
            let runs: Vec<_> = gates
                .iter()
                .enumerate()
                .map(|(i, gate)| {
                    let tokens = plan(gate.venue, i % GATES_PER_VENUE);
                    scope.spawn(move || {
                        tokens
                            .iter()
                            .filter(|t| gate.scanner.redeem(t).0 == 0)
                            .count()
                    })
                })
                .collect();
            runs.into_iter()
                .map(|r| r.join().expect("redeem"))
                .collect()
        });
        for (gate, n) in gates.iter().zip(results) {
            *admitted
                .entry((gate.venue.to_string(), gate.name.clone()))
                .or_default() += n;
        }

        // Online again: all eight sync at once through both servers, while passes are refunded,
        // orders are sold through both servers and the servers settle months.
        let to_refund: Vec<String> = fresh[..REFUNDS_PER_ROUND]
            .iter()
            .map(|(serial, _)| serial.clone())
            .collect();
        std::thread::scope(|scope| {
            let syncs: Vec<_> = gates
                .iter()
                .map(|gate| scope.spawn(move || gate.scanner.sync()))
                .collect();
            scope.spawn(|| {
                for serial in &to_refund {
                    ok(&data.townpass(&[
                        "passes",
                        "revoke",
                        serial,
                        "--reason",
                        "refund at the desk",
                        "--refund",
                    ]));
                }
            });
            scope.spawn(|| {
                for n in 0..ORDERS_PER_ROUND {
                    let server = &servers[n % 2];
                    let body = serde_json::json!({
                        "lines": [{"product": "sofia-24h", "category": "adult"}],
                        "email": format!("guest{round}-{n}@example.org"),
                        "language": "en",
                    });
                    let answer = ureq::post(&format!("{}/api/v1/orders", server.url))
                        .header("authorization", &format!("Bearer {key}"))
                        .header("content-type", "application/json")
                        .send(body.to_string().as_bytes())
                        .expect("order");
                    assert_eq!(answer.status().as_u16(), 201);
                }
            });
            let month = match round {
                0 => Some(("2026-10", true)),
                1 => Some(("2026-11", false)),
                _ => None,
            };
            if let Some((period, close)) = month {
                scope.spawn(move || {
                    let mut args = vec!["settle", "--period", period, "--background"];
                    if close {
                        args.push("--close");
                    }
                    ok(&data.townpass(&args));
                });
            }
            for sync in syncs {
                assert_eq!(sync.join().expect("sync"), 0, "every sync succeeds");
            }
        });
        refunded.extend(to_refund);
        orders += ORDERS_PER_ROUND;
    }
    // A last sync each (two, so that every gate's last upload is in every other gate's bundle).
    for _ in 0..2 {
        for gate in &gates {
            assert_eq!(gate.scanner.sync(), 0);
        }
    }

    // Every gate knows every visit of every other gate (each pass was used at both venues) and
    // every refund: no cursor skipped a row.
    for gate in &gates {
        for (serial, token) in &passes {
            let out = gate.scanner.run(&["--json", "check", token]);
            let verdict: Value = serde_json::from_slice(&out.stdout).expect("verdict");
            let expected = if refunded.contains(serial) {
                "revoked"
            } else {
                "already_used"
            };
            assert_eq!(
                verdict["code"].as_str(),
                Some(expected),
                "{} {}: pass {serial}: {verdict}",
                gate.venue,
                gate.name
            );
        }
    }

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let store = runtime
        .block_on(townpass::store::Store::connect(
            data.database_url().expect("postgres"),
        ))
        .expect("database");
    let query = |sql: &str| -> Vec<(String, String, String, i64, Option<String>)> {
        runtime
            .block_on(sqlx::query_as(sql).fetch_all(store.pool()))
            .expect(sql)
    };

    // Every visit a gate let in is stored exactly once.
    let stored: BTreeMap<(String, String), usize> = query(
        "SELECT v.code, d.name, '' AS x, COUNT(*) AS n, NULL AS y FROM redemptions r \
         JOIN devices d ON d.id = r.device_id JOIN venues v ON v.id = r.venue_id \
         GROUP BY v.code, d.name",
    )
    .into_iter()
    .map(|(venue, name, _, n, _)| ((venue, name), n as usize))
    .collect();
    assert_eq!(stored, admitted, "every admitted visit is stored once");

    // Each double use is flagged exactly once, on the later scan.
    let rows = query(
        "SELECT r.serial, v.code, d.name, r.scanned_at, r.flag FROM redemptions r \
         JOIN devices d ON d.id = r.device_id JOIN venues v ON v.id = r.venue_id \
         ORDER BY r.serial, v.code, r.scanned_at, r.id",
    );
    let mut by_visit: BTreeMap<(String, String), Vec<Option<String>>> = BTreeMap::new();
    for (serial, venue, _, _, flag) in rows {
        by_visit.entry((serial, venue)).or_default().push(flag);
    }
    let mut conflicts = 0;
    for ((serial, venue), flags) in &by_visit {
        let mut expected = vec![Some("already_used".to_string()); flags.len()];
        expected[0] = None;
        conflicts += flags.len() - 1;
        assert_eq!(flags, &expected, "pass {serial} at {venue}");
    }
    assert_eq!(
        conflicts,
        ROUNDS * PASSES_PER_ROUND,
        "one conflict per pass, each flagged"
    );

    // Each e-mail is delivered once.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while smtp.messages.lock().expect("mail").len() < orders && std::time::Instant::now() < deadline
    {
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    std::thread::sleep(std::time::Duration::from_secs(3));
    let recipients: Vec<String> = smtp
        .messages
        .lock()
        .expect("mail")
        .iter()
        .flat_map(|m| m.to.clone())
        .collect();
    let distinct: BTreeSet<&String> = recipients.iter().collect();
    assert_eq!(
        (recipients.len(), distinct.len()),
        (orders, orders),
        "each order's e-mail once: {recipients:?}"
    );

    // Each settlement job is run once, by one of the two servers.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let jobs = loop {
        let jobs = runtime
            .block_on(store.recent_jobs(10))
            .expect("settlement jobs");
        let busy = jobs
            .iter()
            .any(|j| j.status == "queued" || j.status == "running");
        if !busy || std::time::Instant::now() > deadline {
            break jobs;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    let summary: Vec<(String, String, i64)> = jobs
        .iter()
        .map(|j| (j.period.clone(), j.status.clone(), j.attempts))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("2026-11".to_string(), "done".to_string(), 1),
            ("2026-10".to_string(), "done".to_string(), 1),
        ],
        "{jobs:?}"
    );
    let october = runtime
        .block_on(store.period("2026-10"))
        .expect("period")
        .expect("October");
    assert_eq!(october.status, "closed");
    let log = std::fs::read_to_string(data.path().join("server.log")).expect("log");
    assert_eq!(
        log.matches("settlement job done").count(),
        2,
        "each job ran to its end once"
    );
}
