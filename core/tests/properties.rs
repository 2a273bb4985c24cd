//! Property tests of the token format: round trips, tamper resistance, and no panics on any input.

use proptest::prelude::*;
use townpass_core::token::{MAX_TOKEN_CHARS, PREFIX};
use townpass_core::{
    Category, Claims, IssuerKey, KeySet, KeyStatus, ProductId, Serial, SignError, Token,
};

fn issuer() -> IssuerKey {
    IssuerKey::from_seed(&[42; 32])
}

fn keys() -> KeySet {
    let mut set = KeySet::new();
    set.insert(issuer().public().clone(), KeyStatus::Active);
    set
}

fn arb_time() -> impl Strategy<Value = Option<u64>> {
    prop::option::of(prop_oneof![0u64..4_102_444_800, 0u64..=i64::MAX as u64])
}

prop_compose! {
    fn arb_claims(holder: &'static str)(
        serial in any::<[u8; 8]>(),
        product in any::<u32>(),
        category in any::<u32>(),
        holder in prop::option::of(holder),
        nbf in arb_time(),
        exp in arb_time(),
    ) -> Claims {
        Claims { serial: Serial(serial), product: ProductId(product), category: Category(category), holder, nbf, exp }
    }
}

const BASE45: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

proptest! {
    /// Holders in any script, any length: a token that can be made verifies to the same claims,
    /// and one that cannot is refused only because it would exceed the size limit.
    #[test]
    fn sign_then_verify_gives_the_same_claims(claims in arb_claims("(?s).{0,400}")) {
        match issuer().sign(&claims) {
            Ok(token) => {
                prop_assert!(token.len() <= MAX_TOKEN_CHARS);
                prop_assert!(token.starts_with(PREFIX));
                let v = keys().verify(&token).expect("own token verifies");
                prop_assert_eq!(v.claims, claims);
            }
            Err(SignError::TooLong { chars }) => prop_assert!(chars > MAX_TOKEN_CHARS),
            Err(e) => prop_assert!(false, "unexpected sign error {e}"),
        }
    }

    /// Short holders (a real name) always fit.
    #[test]
    fn a_pass_with_a_realistic_holder_name_can_always_be_made(claims in arb_claims("\\PC{0,60}")) {
        prop_assert!(issuer().sign(&claims).is_ok());
    }

    /// Changing any one character never yields an accepted token that says something else.
    #[test]
    fn changing_one_character_never_yields_other_valid_claims(
        claims in arb_claims("\\PC{0,30}"),
        pos in any::<prop::sample::Index>(),
        replacement in prop::sample::select(BASE45.to_vec()),
    ) {
        let token = issuer().sign(&claims).expect("signs");
        let mut bytes = token.into_bytes();
        let i = pos.index(bytes.len());
        bytes[i] = replacement;
        let mutated = String::from_utf8(bytes).expect("ascii");
        if let Ok(v) = keys().verify(&mutated) {
            prop_assert_eq!(v.claims, claims, "mutated token {} accepted with other claims", mutated);
        }
    }

    #[test]
    fn arbitrary_text_never_panics(s in "(?s).{0,1100}") {
        let _ = keys().verify(&s);
        let _ = keys().verify(&format!("{PREFIX}{s}"));
    }

    #[test]
    fn arbitrary_base45_text_never_panics(s in prop::collection::vec(prop::sample::select(BASE45.to_vec()), 0..1100)) {
        let s = String::from_utf8(s).expect("ascii");
        let _ = Token::decode(&format!("{PREFIX}{s}"));
        let _ = keys().verify(&format!("{PREFIX}{s}"));
    }

    /// Arbitrary bytes behind the COSE tag and array header reach the CBOR and claims decoders.
    #[test]
    fn arbitrary_bytes_never_panic(tail in prop::collection::vec(any::<u8>(), 0..700)) {
        for head in [&[][..], &[0xd2][..], &[0xd2, 0x84][..], &[0xd2, 0x84, 0x49, 0xa2, 0x01, 0x32, 0x04, 0x44][..]] {
            let mut bytes = head.to_vec();
            bytes.extend_from_slice(&tail);
            let _ = keys().verify(&format!("{PREFIX}{}", base45::encode(&bytes)));
        }
    }
}
