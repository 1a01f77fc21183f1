//! The XML envelope, read as a stream of events.
//!
//! Elements are recognised by local name within the envelope namespace (or no namespace at all);
//! prefixes are ignored because the live server writes `ns2:` prefixes. Elements of other
//! namespaces (an XML signature, say) are skipped.

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

use super::{Envelope, Info, InfoKind, Item, List, Paging, ParseError, XML_NAMESPACE};

/// What the element being read is, with what has been collected inside it so far.
enum Frame {
    Root,
    Infos,
    Info {
        info: Info,
    },
    Items,
    Item(Item),
    List(List),
    Property {
        name: String,
        value: String,
    },
    /// An element this parser does not use; its content is ignored.
    Skip,
}

pub(super) fn parse(body: &[u8]) -> Result<Envelope, ParseError> {
    let text = std::str::from_utf8(body)
        .map_err(|_| ParseError::Xml("it is not valid UTF-8".to_owned()))?;
    let mut reader = NsReader::from_str(text);
    let mut envelope = Envelope::default();
    let mut stack: Vec<Frame> = Vec::new();
    let mut saw_root = false;
    loop {
        let (namespace, event) = reader
            .read_resolved_event()
            .map_err(|e| ParseError::Xml(format!("malformed XML: {e}")))?;
        let ours = match namespace {
            ResolveResult::Bound(ns) => ns.as_ref() == XML_NAMESPACE.as_bytes(),
            ResolveResult::Unbound => true,
            ResolveResult::Unknown(_) => false,
        };
        match event {
            Event::Start(start) => {
                let frame = open(&reader, &stack, &start, ours, &mut envelope)?;
                saw_root |= matches!(frame, Frame::Root);
                stack.push(frame);
            }
            Event::Empty(start) => {
                let frame = open(&reader, &stack, &start, ours, &mut envelope)?;
                saw_root |= matches!(frame, Frame::Root);
                close(frame, &mut stack, &mut envelope);
            }
            Event::End(_) => {
                let frame = stack
                    .pop()
                    .ok_or_else(|| ParseError::Xml("an end tag without a start".to_owned()))?;
                close(frame, &mut stack, &mut envelope);
            }
            Event::Text(text) => {
                let text = text
                    .decode()
                    .map_err(|e| ParseError::Xml(format!("bad text: {e}")))?;
                append_text(&mut stack, &text);
            }
            Event::CData(data) => {
                let text = data
                    .decode()
                    .map_err(|e| ParseError::Xml(format!("bad CDATA: {e}")))?;
                append_text(&mut stack, &text);
            }
            Event::GeneralRef(reference) => append_text(&mut stack, &resolve(&reference)?),
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(ParseError::Xml("it ends too early".to_owned()));
    }
    if !saw_root {
        return Err(ParseError::Xml(
            "there is no netlicensing element".to_owned(),
        ));
    }
    Ok(envelope)
}

/// Decides what a new element is from its name and where it stands.
fn open(
    reader: &NsReader<&[u8]>,
    stack: &[Frame],
    start: &BytesStart,
    ours: bool,
    envelope: &mut Envelope,
) -> Result<Frame, ParseError> {
    let local = start.local_name();
    let name = local.as_ref();
    let Some(parent) = stack.last() else {
        if ours && name == b"netlicensing" {
            return Ok(Frame::Root);
        }
        let shown = String::from_utf8_lossy(name)
            .chars()
            .take(40)
            .collect::<String>();
        return Err(ParseError::Xml(format!(
            "the root element is <{shown}>, not <netlicensing>"
        )));
    };
    if !ours {
        return Ok(Frame::Skip);
    }
    let frame = match (parent, name) {
        (Frame::Root, b"infos") => Frame::Infos,
        (Frame::Root, b"items") => {
            let attr = |key: &str| attribute(reader, start, key);
            envelope.paging = Paging {
                page_number: Paging::number(attr("pagenumber")?.as_deref()),
                items_number: Paging::number(attr("itemsnumber")?.as_deref()),
                total_pages: Paging::number(attr("totalpages")?.as_deref()),
                total_items: Paging::number(attr("totalitems")?.as_deref()),
                has_next: Paging::flag(attr("hasnext")?.as_deref()),
            };
            Frame::Items
        }
        (Frame::Infos, b"info") => Frame::Info {
            info: Info {
                id: attribute(reader, start, "id")?.unwrap_or_default(),
                kind: InfoKind::parse(&attribute(reader, start, "type")?.unwrap_or_default()),
                value: String::new(),
            },
        },
        (Frame::Items, b"item") => Frame::Item(Item {
            item_type: attribute(reader, start, "type")?.unwrap_or_default(),
            ..Item::default()
        }),
        (Frame::Item(_) | Frame::List(_), b"property") => Frame::Property {
            name: attribute(reader, start, "name")?.unwrap_or_default(),
            value: String::new(),
        },
        (Frame::Item(_) | Frame::List(_), b"list") => Frame::List(List {
            name: attribute(reader, start, "name")?.unwrap_or_default(),
            ..List::default()
        }),
        _ => Frame::Skip,
    };
    Ok(frame)
}

/// Hands a finished element to its parent.
fn close(frame: Frame, stack: &mut [Frame], envelope: &mut Envelope) {
    match (frame, stack.last_mut()) {
        (Frame::Info { mut info }, _) => {
            trim_in_place(&mut info.value);
            envelope.infos.push(info);
        }
        (Frame::Item(item), _) => envelope.items.push(item),
        (Frame::Property { name, mut value }, Some(Frame::Item(item))) => {
            trim_in_place(&mut value);
            item.properties.push((name, value));
        }
        (Frame::Property { name, mut value }, Some(Frame::List(list))) => {
            trim_in_place(&mut value);
            list.properties.push((name, value));
        }
        (Frame::List(list), Some(Frame::Item(item))) => item.lists.push(list),
        (Frame::List(list), Some(Frame::List(parent))) => parent.lists.push(list),
        _ => {}
    }
}

/// Trims without a new allocation: values on their own indented lines are common in XML.
fn trim_in_place(text: &mut String) {
    let end = text.trim_end().len();
    text.truncate(end);
    let start = text.len() - text.trim_start().len();
    text.drain(..start);
}

fn append_text(stack: &mut [Frame], text: &str) {
    match stack.last_mut() {
        Some(Frame::Property { value, .. }) => value.push_str(text),
        Some(Frame::Info { info }) => info.value.push_str(text),
        _ => {}
    }
}

/// `&amp;`, `&#x41;` and the other references XML itself defines.
fn resolve(reference: &BytesRef) -> Result<String, ParseError> {
    if let Ok(Some(ch)) = reference.resolve_char_ref() {
        return Ok(ch.to_string());
    }
    let name = reference
        .decode()
        .map_err(|e| ParseError::Xml(format!("bad reference: {e}")))?;
    quick_xml::escape::resolve_predefined_entity(&name)
        .map(str::to_owned)
        .ok_or_else(|| ParseError::Xml(format!("unknown entity &{name};")))
}

fn attribute(
    reader: &NsReader<&[u8]>,
    start: &BytesStart,
    key: &str,
) -> Result<Option<String>, ParseError> {
    for attr in start.attributes() {
        let attr = attr.map_err(|e| ParseError::Xml(format!("bad attribute: {e}")))?;
        if attr.key.local_name().as_ref() == key.as_bytes() {
            let value = attr
                .decoded_and_normalized_value(quick_xml::XmlVersion::Implicit1_0, reader.decoder())
                .map_err(|e| ParseError::Xml(format!("bad attribute value: {e}")))?;
            return Ok(Some(value.trim().to_owned()));
        }
    }
    Ok(None)
}
