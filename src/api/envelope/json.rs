//! The JSON envelope, read with serde into tolerant shapes.
//!
//! Every field that servers were seen to send as `null`, as a string or as a number, or to leave
//! out, is accepted in all of those forms.

use serde::Deserialize;
use serde::de::{self, Deserializer};

use super::{Envelope, Info, InfoKind, Item, List, Paging, ParseError};

#[derive(Deserialize)]
struct RawEnvelope {
    #[serde(default)]
    infos: Option<RawInfos>,
    #[serde(default)]
    items: Option<RawItems>,
}

#[derive(Deserialize)]
struct RawInfos {
    #[serde(default, deserialize_with = "one_or_many")]
    info: Vec<RawInfo>,
}

#[derive(Deserialize)]
struct RawInfo {
    #[serde(default, deserialize_with = "loose_string")]
    id: String,
    #[serde(default, rename = "type", deserialize_with = "loose_string")]
    kind: String,
    #[serde(default, deserialize_with = "loose_string")]
    value: String,
}

#[derive(Deserialize)]
struct RawItems {
    #[serde(default, deserialize_with = "one_or_many")]
    item: Vec<RawItem>,
    #[serde(default, deserialize_with = "loose_optional")]
    pagenumber: Option<String>,
    #[serde(default, deserialize_with = "loose_optional")]
    itemsnumber: Option<String>,
    #[serde(default, deserialize_with = "loose_optional")]
    totalpages: Option<String>,
    #[serde(default, deserialize_with = "loose_optional")]
    totalitems: Option<String>,
    #[serde(default, deserialize_with = "loose_optional")]
    hasnext: Option<String>,
}

#[derive(Deserialize)]
struct RawItem {
    #[serde(default, rename = "type", deserialize_with = "loose_string")]
    item_type: String,
    #[serde(default, deserialize_with = "one_or_many")]
    property: Vec<RawProperty>,
    #[serde(default, deserialize_with = "one_or_many")]
    list: Vec<RawList>,
}

#[derive(Deserialize)]
struct RawList {
    #[serde(default, deserialize_with = "loose_string")]
    name: String,
    #[serde(default, deserialize_with = "one_or_many")]
    property: Vec<RawProperty>,
    #[serde(default, deserialize_with = "one_or_many")]
    list: Vec<RawList>,
}

#[derive(Deserialize)]
struct RawProperty {
    #[serde(default, deserialize_with = "loose_string")]
    name: String,
    #[serde(default, deserialize_with = "loose_string")]
    value: String,
}

pub(super) fn parse(body: &[u8]) -> Result<Envelope, ParseError> {
    let raw: RawEnvelope =
        serde_json::from_slice(body).map_err(|e| ParseError::Json(describe(&e)))?;
    let infos = raw
        .infos
        .map(|infos| infos.info.into_iter().map(info).collect())
        .unwrap_or_default();
    let (items, paging) = match raw.items {
        Some(items) => {
            let paging = Paging {
                page_number: Paging::number(items.pagenumber.as_deref()),
                items_number: Paging::number(items.itemsnumber.as_deref()),
                total_pages: Paging::number(items.totalpages.as_deref()),
                total_items: Paging::number(items.totalitems.as_deref()),
                has_next: Paging::flag(items.hasnext.as_deref()),
            };
            (items.item.into_iter().map(item).collect(), paging)
        }
        None => (Vec::new(), Paging::default()),
    };
    Ok(Envelope {
        infos,
        items,
        paging,
    })
}

/// serde_json's messages name a line and column; that is what a person needs, not the body.
fn describe(error: &serde_json::Error) -> String {
    match error.classify() {
        serde_json::error::Category::Eof => "it ends too early".to_owned(),
        serde_json::error::Category::Syntax => format!("invalid JSON at column {}", error.column()),
        serde_json::error::Category::Data => {
            format!("unexpected shape at column {}", error.column())
        }
        serde_json::error::Category::Io => "could not be read".to_owned(),
    }
}

fn info(raw: RawInfo) -> Info {
    Info {
        id: trimmed(raw.id),
        kind: InfoKind::parse(&raw.kind),
        value: trimmed(raw.value),
    }
}

fn item(raw: RawItem) -> Item {
    Item {
        item_type: raw.item_type.trim().to_owned(),
        properties: raw.property.into_iter().map(property).collect(),
        lists: raw.list.into_iter().map(list).collect(),
    }
}

fn list(raw: RawList) -> List {
    List {
        name: raw.name.trim().to_owned(),
        properties: raw.property.into_iter().map(property).collect(),
        lists: raw.list.into_iter().map(list).collect(),
    }
}

fn property(raw: RawProperty) -> (String, String) {
    (trimmed(raw.name), trimmed(raw.value))
}

/// Trims without a new allocation when there is nothing to trim (the usual case).
fn trimmed(text: String) -> String {
    if text.starts_with(char::is_whitespace) || text.ends_with(char::is_whitespace) {
        text.trim().to_owned()
    } else {
        text
    }
}

/// Accepts `null`, a missing field, one object, or an array of them.
///
/// A visitor rather than an untagged enum: an untagged enum buffers the whole value first,
/// which doubles the cost of reading a long list.
fn one_or_many<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct OneOrMany<T>(std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>> de::Visitor<'de> for OneOrMany<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object, an array of objects, or null")
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut all = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
            while let Some(one) = seq.next_element()? {
                all.push(one);
            }
            Ok(all)
        }
        fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            Ok(vec![T::deserialize(
                de::value::MapAccessDeserializer::new(map),
            )?])
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
    }
    deserializer.deserialize_any(OneOrMany(std::marker::PhantomData))
}

/// Accepts a string, a number, a boolean or `null` (which becomes the empty string).
fn loose_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(loose_optional(deserializer)?.unwrap_or_default())
}

fn loose_optional<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    struct Loose;
    impl<'de> de::Visitor<'de> for Loose {
        type Value = Option<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a string, number, boolean or null")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(v.to_owned()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(Loose)
        }
    }
    deserializer.deserialize_any(Loose)
}
