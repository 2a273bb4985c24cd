//! Token benchmarks: verify (against a bare ed25519-dalek verify of a message the same size as what
//! a token signs, in the same run), sign, and QR rendering. `cargo bench -p townpass-core --bench token`
//! Prints the verify ratio from a paired, interleaved measurement after criterion's own reports.

use std::hint::black_box;
use std::time::Instant;

use criterion::Criterion;
use ed25519_dalek::{Signer, SigningKey};
use townpass_core::qr::QrMatrix;
use townpass_core::{Category, Claims, IssuerKey, KeySet, KeyStatus, ProductId, Serial};

struct Fixture {
    token: String,
    keys: KeySet,
    issuer: IssuerKey,
    claims: Claims,
    bare_key: ed25519_dalek::VerifyingKey,
    bare_msg: Vec<u8>,
    bare_sig: ed25519_dalek::Signature,
}

fn fixture() -> Fixture {
    let issuer = IssuerKey::from_seed(&[5; 32]);
    let claims = Claims {
        serial: Serial(*b"\x00\x11\x22\x33\x44\x55\x66\xff"),
        product: ProductId(1),
        category: Category::ADULT,
        holder: None,
        nbf: None,
        exp: Some(1_798_761_600),
    };
    let token = issuer.sign(&claims).expect("signs");
    let mut keys = KeySet::new();
    keys.insert(issuer.public().clone(), KeyStatus::Active);
    // Sig_structure = ["Signature1", protected(8 bytes), h'', payload]: 1 + 11 + 9 + 1 + 2 + payload.
    let cose = base45::decode(&token[4..]).expect("base45");
    let payload_len = 27; // a minimal pass's claims, as in the shared vectors
    let signed_len = 1 + 11 + 9 + 1 + 2 + payload_len;
    assert!(
        cose.len() > signed_len,
        "sanity: token bytes {}",
        cose.len()
    );
    let bare = SigningKey::from_bytes(&[6; 32]);
    let bare_msg = vec![0x5a; signed_len];
    let bare_sig = bare.sign(&bare_msg);
    Fixture {
        token,
        keys,
        issuer,
        claims,
        bare_key: bare.verifying_key(),
        bare_msg,
        bare_sig,
    }
}

fn benches(c: &mut Criterion, f: &Fixture) {
    let mut g = c.benchmark_group("verify");
    g.bench_function("townpass_token_verify", |b| {
        b.iter(|| f.keys.verify(black_box(&f.token)).expect("verifies"))
    });
    g.bench_function("bare_ed25519_verify_strict", |b| {
        b.iter(|| {
            f.bare_key
                .verify_strict(black_box(&f.bare_msg), &f.bare_sig)
                .expect("verifies")
        })
    });
    g.finish();
    c.bench_function("sign/townpass_token_sign", |b| {
        b.iter(|| f.issuer.sign(black_box(&f.claims)).expect("signs"))
    });
    c.bench_function("qr/encode_and_svg", |b| {
        b.iter(|| {
            QrMatrix::encode(black_box(&f.token))
                .expect("encodes")
                .to_svg()
        })
    });
    c.bench_function("qr/encode_and_png_4px", |b| {
        b.iter(|| {
            QrMatrix::encode(black_box(&f.token))
                .expect("encodes")
                .to_png(4)
                .expect("png")
        })
    });
}

/// Interleaves blocks of token verifies and bare verifies so both see the same machine noise,
/// and returns the median time per operation of each, in nanoseconds.
fn paired(f: &Fixture, rounds: usize, per_block: usize) -> (f64, f64) {
    let mut token_ns = Vec::with_capacity(rounds);
    let mut bare_ns = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = Instant::now();
        for _ in 0..per_block {
            black_box(f.keys.verify(black_box(&f.token)).is_ok());
        }
        token_ns.push(t.elapsed().as_nanos() as f64 / per_block as f64);
        let t = Instant::now();
        for _ in 0..per_block {
            black_box(
                f.bare_key
                    .verify_strict(black_box(&f.bare_msg), &f.bare_sig)
                    .is_ok(),
            );
        }
        bare_ns.push(t.elapsed().as_nanos() as f64 / per_block as f64);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    (median(&mut token_ns), median(&mut bare_ns))
}

fn main() {
    let f = fixture();
    let mut c = Criterion::default()
        .measurement_time(std::time::Duration::from_secs(3))
        .configure_from_args();
    benches(&mut c, &f);
    c.final_summary();

    // Under `cargo test --benches` criterion runs each benchmark once; the ratio is for real runs.
    if std::env::args().any(|a| a == "--bench") {
        let (token, bare) = paired(&f, 31, 400);
        println!();
        println!(
            "token verify vs bare ed25519 verify_strict, same run, {}-byte signed message, 31 paired rounds:",
            f.bare_msg.len()
        );
        println!(
            "  townpass token verify (decode + verify)  {:>8.1} µs",
            token / 1000.0
        );
        println!(
            "  bare ed25519-dalek verify_strict         {:>8.1} µs",
            bare / 1000.0
        );
        println!(
            "  ratio                                    {:>8.3}x  (goal: at most 1.25x)",
            token / bare
        );
        println!(
            "  token length {} characters, QR version {}",
            f.token.len(),
            QrMatrix::encode(&f.token).map(|q| q.version()).unwrap_or(0)
        );
    }
}
