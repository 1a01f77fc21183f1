use super::*;

const LIST_JSON: &str = include_str!("../../../tests/fixtures/token-list-apikeys.json");
const CREATE_JSON: &str = include_str!("../../../tests/fixtures/token-create-apikey.json");
const MIXED_XML: &str = include_str!("../../../tests/fixtures/token-list-mixed.xml");
const ERROR_401: &str = include_str!("../../../tests/fixtures/error-401.json");
const ERROR_404: &str = include_str!("../../../tests/fixtures/error-400-notfound.json");

fn parsed(body: &str) -> Envelope {
    parse(body.as_bytes()).unwrap_or_else(|e| panic!("should parse: {e}"))
}

#[test]
fn json_list_fixture() {
    let env = parsed(LIST_JSON);
    assert!(env.infos.is_empty());
    assert_eq!(env.items.len(), 3);
    assert_eq!(
        env.items[1].property("name"),
        Some("CRM export"),
        "custom properties are read"
    );
    assert_eq!(env.paging.total_items, Some(3));
    assert_eq!(env.paging.has_next, Some(false));
}

#[test]
fn json_create_fixture_has_null_paging() {
    let env = parsed(CREATE_JSON);
    assert_eq!(env.items.len(), 1);
    assert_eq!(
        env.items[0].property("apiKeyRole"),
        Some("ROLE_APIKEY_OPERATION")
    );
    assert_eq!(env.paging, Paging::default());
}

#[test]
fn json_error_fixtures() {
    let env = parsed(ERROR_401);
    let error = env.first_error().unwrap_or_else(|| panic!("has an error"));
    assert_eq!(error.id, "NotAuthorizedException");
    assert_eq!(error.value, "Unauthorized");
    assert!(env.items.is_empty());
    let env = parsed(ERROR_404);
    assert_eq!(
        env.first_error().map(|e| e.id.as_str()),
        Some("NotFoundException")
    );
}

#[test]
fn xml_fixture_with_whitespace_around_values() {
    let env = parsed(MIXED_XML);
    assert_eq!(env.items.len(), 3);
    assert_eq!(
        env.items[0].property("shopURL"),
        Some("https://go.netlicensing.io/shop/v2/?shoptoken=3d8a61f4-77b0-4c2e-a9d5-e0b1c6f28a37")
    );
    assert_eq!(env.items[1].property("tokenType"), Some("APIKEY"));
    assert_eq!(env.paging.total_pages, Some(1));
    assert_eq!(env.paging.has_next, Some(false));
}

#[test]
fn xml_with_prefix_and_a_foreign_default_namespace() {
    let body = r#"<?xml version="1.0"?>
<ns2:netlicensing xmlns="http://www.w3.org/2000/09/xmldsig#" xmlns:ns2="http://netlicensing.labs64.com/schema/context" ttl="2026-11-30T10:15:02.118Z">
  <Signature><SignedInfo>ignored</SignedInfo></Signature>
  <ns2:infos><ns2:info id="NotFoundException" type="error"> Token &apos;x&apos; &amp; more </ns2:info></ns2:infos>
  <ns2:items pagenumber="2" itemsnumber="1" totalpages="3" totalitems="201" hasnext="true">
    <ns2:item type="Token">
      <ns2:property name="number">abc</ns2:property>
      <ns2:property name="note"><![CDATA[a <b> c]]></ns2:property>
      <ns2:list name="outer"><ns2:property name="k">v</ns2:property><ns2:list name="inner"/></ns2:list>
      <property name="foreign">skipped, default namespace is xmldsig</property>
    </ns2:item>
  </ns2:items>
</ns2:netlicensing>"#;
    let env = parsed(body);
    assert_eq!(env.infos.len(), 1);
    assert_eq!(env.infos[0].kind, InfoKind::Error);
    assert_eq!(env.infos[0].value, "Token 'x' & more");
    let item = &env.items[0];
    assert_eq!(item.property("note"), Some("a <b> c"));
    assert_eq!(item.property("foreign"), None);
    assert_eq!(item.lists[0].name, "outer");
    assert_eq!(
        item.lists[0].properties[0],
        ("k".to_owned(), "v".to_owned())
    );
    assert_eq!(item.lists[0].lists[0].name, "inner");
    assert_eq!(env.paging.page_number, Some(2));
    assert_eq!(env.paging.has_next, Some(true));
}

#[test]
fn json_info_null_empty_missing_and_single() {
    for infos in [
        r#""infos":{"info":null},"#,
        r#""infos":{"info":[]},"#,
        r#""infos":{},"#,
        r#""infos":null,"#,
        "",
    ] {
        let body = format!(r#"{{{infos}"items":{{"item":[]}}}}"#);
        assert!(parsed(&body).infos.is_empty(), "{body}");
    }
    let single = r#"{"infos":{"info":{"id":"X","type":"WARNING","value":"w"}},"items":null}"#;
    assert_eq!(parsed(single).infos[0].kind, InfoKind::Warning);
}

#[test]
fn json_paging_as_strings_numbers_or_null_and_ttl_either_way() {
    let body = r#"{"items":{"item":[],"pagenumber":1,"itemsnumber":" 50 ","totalpages":null,"hasnext":true},"ttl":1732960000000,"signature":"s","id":7}"#;
    let env = parsed(body);
    assert_eq!(env.paging.page_number, Some(1));
    assert_eq!(env.paging.items_number, Some(50));
    assert_eq!(env.paging.total_pages, None);
    assert_eq!(env.paging.total_items, None);
    assert_eq!(env.paging.has_next, Some(true));
}

#[test]
fn json_values_are_trimmed_and_loose_types_accepted() {
    let body = r#"{"items":{"item":{"type":"Token","property":[{"name":" number ","value":"  abc\n"},{"name":"active","value":true},{"name":"count","value":3},{"name":"none","value":null}]}}}"#;
    let env = parsed(body);
    let item = &env.items[0];
    assert_eq!(item.property("number"), Some("abc"));
    assert_eq!(item.property("active"), Some("true"));
    assert_eq!(item.property("count"), Some("3"));
    assert_eq!(item.property("none"), Some(""));
}

#[test]
fn bodies_that_are_not_envelopes_say_what_they_are() {
    assert_eq!(parse(b""), Err(ParseError::Empty));
    assert_eq!(parse(b" \n\t"), Err(ParseError::Empty));
    assert_eq!(
        parse(b"<!DOCTYPE html><html><body>Proxy error</body></html>"),
        Err(ParseError::Html)
    );
    assert_eq!(parse(b"<HTML><body>x</body></HTML>"), Err(ParseError::Html));
    assert!(matches!(parse(b"Bad Gateway"), Err(ParseError::Unknown(_))));
    assert!(matches!(
        parse(&LIST_JSON.as_bytes()[..LIST_JSON.len() / 2]),
        Err(ParseError::Json(_))
    ));
    assert!(matches!(
        parse(&MIXED_XML.as_bytes()[..MIXED_XML.len() / 2]),
        Err(ParseError::Xml(_))
    ));
    assert!(matches!(
        parse(b"<error>nope</error>"),
        Err(ParseError::Xml(_))
    ));
    assert!(matches!(parse(b"[1,2,3]"), Err(ParseError::Unknown(_))));
    assert!(matches!(parse(b"{\"items\": 5}"), Err(ParseError::Json(_))));
}

#[test]
fn writer_output_reads_back_in_both_formats() {
    for body in [LIST_JSON, CREATE_JSON, MIXED_XML, ERROR_401, ERROR_404] {
        let env = parsed(body);
        assert_eq!(
            parsed(&write_json(&env, Some("2026-11-30T10:15:02.118Z"))),
            env
        );
        assert_eq!(parsed(&write_xml(&env, None)), env);
    }
}

#[test]
fn written_errors_have_null_items_like_the_live_service() {
    let env = parsed(ERROR_401);
    assert!(write_json(&env, None).contains(r#""items":null"#));
    assert!(!write_xml(&env, None).contains("items"));
}
