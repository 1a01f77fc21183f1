//! Writing envelopes in the live service's shapes: used by the sandbox, and by tests that
//! check the reader against the writer.

use std::fmt::Write as _;

use quick_xml::escape::escape;
use serde::Serialize;

use super::{Envelope, InfoKind, Item, List, XML_NAMESPACE};

#[derive(Serialize)]
struct JsonEnvelope<'a> {
    #[serde(rename = "Signature")]
    signature: Option<()>,
    infos: JsonInfos<'a>,
    items: Option<JsonItems<'a>>,
    id: Option<()>,
    ttl: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonInfos<'a> {
    info: Vec<JsonInfo<'a>>,
}

#[derive(Serialize)]
struct JsonInfo<'a> {
    value: &'a str,
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct JsonItems<'a> {
    item: Vec<JsonItem<'a>>,
    pagenumber: Option<String>,
    itemsnumber: Option<String>,
    totalpages: Option<String>,
    totalitems: Option<String>,
    hasnext: Option<String>,
}

#[derive(Serialize)]
struct JsonItem<'a> {
    property: Vec<JsonProperty<'a>>,
    list: Option<Vec<JsonList<'a>>>,
    #[serde(rename = "type")]
    item_type: &'a str,
}

#[derive(Serialize)]
struct JsonList<'a> {
    property: Vec<JsonProperty<'a>>,
    list: Option<Vec<JsonList<'a>>>,
    name: &'a str,
}

#[derive(Serialize)]
struct JsonProperty<'a> {
    value: &'a str,
    name: &'a str,
}

/// Writes the JSON envelope. An envelope with an error and no items gets `"items": null`,
/// as the live service answers errors.
pub fn write_json(envelope: &Envelope, ttl: Option<&str>) -> String {
    let is_error = envelope.items.is_empty() && envelope.first_error().is_some();
    let paging = envelope.paging;
    let text = |n: Option<u64>| n.map(|n| n.to_string());
    let json = JsonEnvelope {
        signature: None,
        infos: JsonInfos {
            info: envelope
                .infos
                .iter()
                .map(|info| JsonInfo {
                    value: &info.value,
                    id: &info.id,
                    kind: kind_name(info.kind),
                })
                .collect(),
        },
        items: (!is_error).then(|| JsonItems {
            item: envelope.items.iter().map(json_item).collect(),
            pagenumber: text(paging.page_number),
            itemsnumber: text(paging.items_number),
            totalpages: text(paging.total_pages),
            totalitems: text(paging.total_items),
            hasnext: paging.has_next.map(|b| b.to_string()),
        }),
        id: None,
        ttl,
    };
    // Serialising these plain structs cannot fail; the fallback keeps the signature honest.
    serde_json::to_string(&json).unwrap_or_else(|_| String::from("{}"))
}

fn json_item(item: &Item) -> JsonItem<'_> {
    JsonItem {
        property: json_properties(&item.properties),
        list: json_lists(&item.lists),
        item_type: &item.item_type,
    }
}

fn json_lists(lists: &[List]) -> Option<Vec<JsonList<'_>>> {
    (!lists.is_empty()).then(|| {
        lists
            .iter()
            .map(|list| JsonList {
                property: json_properties(&list.properties),
                list: json_lists(&list.lists),
                name: &list.name,
            })
            .collect()
    })
}

fn json_properties(properties: &[(String, String)]) -> Vec<JsonProperty<'_>> {
    properties
        .iter()
        .map(|(name, value)| JsonProperty { value, name })
        .collect()
}

fn kind_name(kind: InfoKind) -> &'static str {
    match kind {
        InfoKind::Error => "ERROR",
        InfoKind::Warning => "WARNING",
        InfoKind::Info | InfoKind::Other => "INFO",
    }
}

/// Writes the XML envelope the way the live service does: every element with the `ns2:`
/// prefix of the envelope namespace, and a different default namespace beside it.
pub fn write_xml(envelope: &Envelope, ttl: Option<&str>) -> String {
    let mut out = String::with_capacity(256 + envelope.items.len() * 400);
    out.push_str(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#);
    let _ = write!(
        out,
        r#"<ns2:netlicensing xmlns="http://www.w3.org/2000/09/xmldsig#" xmlns:ns2="{XML_NAMESPACE}""#
    );
    if let Some(ttl) = ttl {
        let _ = write!(out, r#" ttl="{}""#, escape(ttl));
    }
    out.push('>');
    if envelope.infos.is_empty() {
        out.push_str("<ns2:infos/>");
    } else {
        out.push_str("<ns2:infos>");
        for info in &envelope.infos {
            let _ = write!(
                out,
                r#"<ns2:info id="{}" type="{}">{}</ns2:info>"#,
                escape(info.id.as_str()),
                kind_name(info.kind).to_ascii_lowercase(),
                escape(info.value.as_str())
            );
        }
        out.push_str("</ns2:infos>");
    }
    let is_error = envelope.items.is_empty() && envelope.first_error().is_some();
    if !is_error {
        out.push_str("<ns2:items");
        let paging = envelope.paging;
        let numbers = [
            ("pagenumber", paging.page_number),
            ("itemsnumber", paging.items_number),
            ("totalpages", paging.total_pages),
            ("totalitems", paging.total_items),
        ];
        for (name, value) in numbers {
            if let Some(value) = value {
                let _ = write!(out, r#" {name}="{value}""#);
            }
        }
        if let Some(has_next) = paging.has_next {
            let _ = write!(out, r#" hasnext="{has_next}""#);
        }
        out.push('>');
        for item in &envelope.items {
            let _ = write!(
                out,
                r#"<ns2:item type="{}">"#,
                escape(item.item_type.as_str())
            );
            xml_body(&mut out, &item.properties, &item.lists);
            out.push_str("</ns2:item>");
        }
        out.push_str("</ns2:items>");
    }
    out.push_str("</ns2:netlicensing>");
    out
}

fn xml_body(out: &mut String, properties: &[(String, String)], lists: &[List]) {
    for (name, value) in properties {
        let _ = write!(
            out,
            r#"<ns2:property name="{}">{}</ns2:property>"#,
            escape(name.as_str()),
            escape(value.as_str())
        );
    }
    for list in lists {
        let _ = write!(out, r#"<ns2:list name="{}">"#, escape(list.name.as_str()));
        xml_body(out, &list.properties, &list.lists);
        out.push_str("</ns2:list>");
    }
}
