#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may stop at the first surprise

//! Property tests for the envelope reader: no input makes it panic, cut bodies are refused, and
//! whatever the writer writes reads back the same in both formats.

use netlicensing_keys::api::ApiKey;
use netlicensing_keys::api::envelope::{
    Envelope, Info, InfoKind, Item, List, Paging, parse, write_json, write_xml,
};
use proptest::prelude::*;

const FIXTURES: [&str; 5] = [
    include_str!("../fixtures/token-list-apikeys.json"),
    include_str!("../fixtures/token-create-apikey.json"),
    include_str!("../fixtures/token-list-mixed.xml"),
    include_str!("../fixtures/error-401.json"),
    include_str!("../fixtures/error-400-notfound.json"),
];

/// Text as the reader returns it: trimmed, printable (XML 1.0 cannot carry most control chars).
fn text() -> impl Strategy<Value = String> {
    "[ a-zA-Z0-9<>&'\"=;:/.,_ä€😀-]{0,24}".prop_map(|s| s.trim().to_owned())
}

fn properties() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec((text(), text()), 0..6)
}

fn list() -> impl Strategy<Value = List> {
    let leaf = (text(), properties()).prop_map(|(name, properties)| List {
        name,
        properties,
        lists: Vec::new(),
    });
    leaf.prop_recursive(2, 8, 3, |inner| {
        (text(), properties(), prop::collection::vec(inner, 0..3)).prop_map(
            |(name, properties, lists)| List {
                name,
                properties,
                lists,
            },
        )
    })
}

fn item() -> impl Strategy<Value = Item> {
    (text(), properties(), prop::collection::vec(list(), 0..2)).prop_map(
        |(item_type, properties, lists)| Item {
            item_type,
            properties,
            lists,
        },
    )
}

fn info() -> impl Strategy<Value = Info> {
    let kind = prop_oneof![
        Just(InfoKind::Error),
        Just(InfoKind::Warning),
        Just(InfoKind::Info)
    ];
    (text(), kind, text()).prop_map(|(id, kind, value)| Info { id, kind, value })
}

fn paging() -> impl Strategy<Value = Paging> {
    let n = || prop::option::of(0u64..1_000_000);
    (n(), n(), n(), n(), prop::option::of(any::<bool>())).prop_map(
        |(page_number, items_number, total_pages, total_items, has_next)| Paging {
            page_number,
            items_number,
            total_pages,
            total_items,
            has_next,
        },
    )
}

fn envelope() -> impl Strategy<Value = Envelope> {
    (
        prop::collection::vec(info(), 0..3),
        prop::collection::vec(item(), 0..4),
        paging(),
    )
        .prop_map(|(infos, items, paging)| {
            let mut envelope = Envelope {
                infos,
                items,
                paging,
            };
            // Errors are written with `items: null`, which carries no paging.
            if envelope.items.is_empty() && envelope.first_error().is_some() {
                envelope.paging = Paging::default();
            }
            envelope
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_never_panic(body in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse(&body);
    }

    #[test]
    fn random_text_with_envelope_characters_never_panics(body in "[{}<>\\[\\]\":,/a-z= ]{0,200}") {
        let _ = parse(body.as_bytes());
    }

    #[test]
    fn cut_fixtures_never_panic_and_are_refused(which in 0..FIXTURES.len(), cut in any::<prop::sample::Index>()) {
        let body = FIXTURES[which].trim_end().as_bytes();
        let at = cut.index(body.len());
        prop_assert!(parse(&body[..at]).is_err(), "a body cut at {} of {} must not parse", at, body.len());
    }

    #[test]
    fn flipped_bytes_never_panic(which in 0..FIXTURES.len(), at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut body = FIXTURES[which].as_bytes().to_vec();
        let at = at.index(body.len());
        body[at] = byte;
        if let Ok(envelope) = parse(&body) {
            for item in &envelope.items {
                let _ = ApiKey::from_item(item);
            }
        }
    }

    #[test]
    fn json_written_reads_back(envelope in envelope()) {
        prop_assert_eq!(parse(write_json(&envelope, Some("2026-11-30T10:15:02.118Z")).as_bytes()).unwrap(), envelope);
    }

    #[test]
    fn xml_written_reads_back(envelope in envelope()) {
        prop_assert_eq!(parse(write_xml(&envelope, None).as_bytes()).unwrap(), envelope);
    }
}
