#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may stop at the first surprise

//! The sandbox's token service and utility list over loopback HTTP: every endpoint, both
//! formats, paging, and every validation error.

use std::collections::HashSet;

use crate::sandbox_support::{
    JSON, XML, demo_auth, form_value, get, http, key_auth, numbers, post_token, private_key,
    sandbox, sandbox_with, send, vendor_client,
};
use netlicensing_keys::api::envelope::XML_NAMESPACE;
use netlicensing_keys::api::listing::ListOptions;
use netlicensing_keys::api::{ApiError, NewApiKey, Role, Secret, TokenNumber};
use netlicensing_keys::sandbox::{MAX_PAGE_SIZE, SandboxOptions, seed};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const SEEDED_KEYS: usize = 6;
const SEEDED_TOKENS: usize = 8;

#[test]
fn the_curl_check_lists_api_keys_in_json_and_in_namespaced_xml() {
    let sandbox = sandbox();
    // curl -u demo:demo -H 'Accept: application/json' '.../token?filter=tokenType=APIKEY'
    let json = get(&sandbox, "/token?filter=tokenType=APIKEY", JSON);
    assert_eq!(json.status, 200);
    assert_eq!(
        json.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    let text = json.text();
    assert!(text.contains(r#""pagenumber":"0""#), "{text}");
    assert!(text.contains(r#""hasnext":"false""#), "{text}");
    let raw: serde_json::Value = serde_json::from_slice(&json.body).unwrap();
    let ttl = raw["ttl"].as_str().expect("ttl is a date-time string");
    let ttl = OffsetDateTime::parse(ttl, &Rfc3339).expect("RFC 3339");
    assert!(ttl > OffsetDateTime::now_utc());

    let from_json = json.envelope();
    assert_eq!(from_json.items.len(), SEEDED_KEYS);
    assert!(
        from_json
            .items
            .iter()
            .all(|item| item.item_type == "Token" && item.property("tokenType") == Some("APIKEY"))
    );
    let paging = from_json.paging;
    assert_eq!(paging.page_number, Some(0));
    assert_eq!(paging.items_number, Some(SEEDED_KEYS as u64));
    assert_eq!(paging.total_pages, Some(1));
    assert_eq!(paging.total_items, Some(SEEDED_KEYS as u64));
    assert_eq!(paging.has_next, Some(false));

    let xml = get(&sandbox, "/token?filter=tokenType=APIKEY", XML);
    assert_eq!(xml.status, 200);
    assert_eq!(
        xml.header("content-type"),
        Some("application/xml; charset=utf-8")
    );
    let text = xml.text();
    assert!(
        text.contains(&format!(r#"xmlns:ns2="{XML_NAMESPACE}""#)),
        "{text}"
    );
    assert!(text.contains("<ns2:netlicensing"), "{text}");
    let from_xml = xml.envelope();
    assert_eq!(from_xml.items, from_json.items);
    assert_eq!(from_xml.paging, from_json.paging);
}

#[test]
fn without_accept_or_with_a_wildcard_the_answer_is_xml() {
    let sandbox = sandbox();
    let url = format!("{}/token", sandbox.base_url());
    let bare = send(http().get(&url).header("Authorization", demo_auth()));
    assert_eq!(
        bare.header("content-type"),
        Some("application/xml; charset=utf-8")
    );
    assert!(bare.text().starts_with("<?xml"));
    for accept in ["*/*", "text/xml", "application/json;q=0.5, application/xml"] {
        let answer = get(&sandbox, "/token", accept);
        assert!(answer.text().starts_with("<?xml"), "{accept}");
    }
    let json = get(&sandbox, "/token", "application/json, */*;q=0.1");
    assert!(json.text().starts_with('{'));
}

#[test]
fn a_list_without_a_type_filter_holds_every_token_type_in_a_stable_order() {
    let sandbox = sandbox();
    let all = get(&sandbox, "/token", JSON).envelope();
    assert_eq!(all.items.len(), SEEDED_TOKENS);
    let types: HashSet<&str> = all
        .items
        .iter()
        .filter_map(|item| item.property("tokenType"))
        .collect();
    assert_eq!(types, HashSet::from(["APIKEY", "SHOP", "DEFAULT"]));
    let shop = all
        .items
        .iter()
        .find(|item| item.property("number") == Some(seed::SHOP_TOKEN))
        .expect("the seeded shop token");
    assert_eq!(shop.property("licenseeNumber"), Some(seed::CUSTOMER));
    assert!(
        shop.property("shopURL")
            .is_some_and(|url| url.ends_with(seed::SHOP_TOKEN))
    );
    assert!(
        shop.property("expirationTime")
            .is_some_and(|t| OffsetDateTime::parse(t, &Rfc3339).is_ok())
    );
    assert_eq!(shop.property("vendorNumber"), Some("VDEMO"));
    let again = get(&sandbox, "/token", XML).envelope();
    assert_eq!(numbers(&again), numbers(&all));
    let shops = get(&sandbox, "/token?filter=tokenType=SHOP", JSON).envelope();
    assert_eq!(numbers(&shops), [seed::SHOP_TOKEN]);
}

#[test]
fn pages_split_the_list_and_a_page_past_the_end_is_empty() {
    let sandbox = sandbox_with(SandboxOptions {
        seed_keys: 23,
        ..SandboxOptions::default()
    });
    let total = SEEDED_KEYS + 23;
    let everything =
        numbers(&get(&sandbox, "/token?filter=tokenType=APIKEY;items=1000", JSON).envelope());
    assert_eq!(everything.len(), total);

    let mut collected = Vec::new();
    for (page, expected_items, has_next) in [(0, 10, true), (1, 10, true), (2, 9, false)] {
        let answer = get(
            &sandbox,
            &format!("/token?filter=tokenType%3DAPIKEY%3Bpage%3D{page}%3Bitems%3D10"),
            JSON,
        )
        .envelope();
        assert_eq!(answer.items.len(), expected_items);
        let paging = answer.paging;
        assert_eq!(paging.page_number, Some(page));
        assert_eq!(paging.items_number, Some(expected_items as u64));
        assert_eq!(paging.total_pages, Some(3));
        assert_eq!(paging.total_items, Some(total as u64));
        assert_eq!(paging.has_next, Some(has_next));
        collected.extend(numbers(&answer));
    }
    assert_eq!(collected, everything);

    let past = get(
        &sandbox,
        "/token?filter=tokenType=APIKEY;page=3;items=10",
        JSON,
    )
    .envelope();
    assert!(past.items.is_empty());
    assert_eq!(past.paging.items_number, Some(0));
    assert_eq!(past.paging.has_next, Some(false));
    assert_eq!(past.paging.total_items, Some(total as u64));

    let unknown_keys_ignored = get(
        &sandbox,
        "/token?filter=tokenType=APIKEY;color=blue;items=5",
        JSON,
    );
    assert_eq!(unknown_keys_ignored.envelope().items.len(), 5);
}

#[test]
fn page_sizes_above_the_maximum_are_lowered_and_say_so() {
    let sandbox = sandbox_with(SandboxOptions {
        seed_keys: 1200,
        ..SandboxOptions::default()
    });
    let page = get(&sandbox, "/token?filter=items=5000", JSON).envelope();
    assert_eq!(page.items.len(), MAX_PAGE_SIZE);
    assert_eq!(page.paging.items_number, Some(MAX_PAGE_SIZE as u64));
    assert_eq!(page.paging.total_pages, Some(2));
    assert_eq!(page.paging.has_next, Some(true));
    let default = get(&sandbox, "/token", JSON).envelope();
    assert_eq!(default.items.len(), 100, "the default page size");
}

#[test]
fn bad_paging_values_are_malformed_requests() {
    let sandbox = sandbox();
    for filter in [
        "page=-1",
        "page=one",
        "items=0",
        "items=-5",
        "tokenType=LICENSE",
        "page",
    ] {
        let answer = get(&sandbox, &format!("/token?filter={filter}"), JSON);
        assert_eq!(answer.status, 400, "{filter}");
        assert_eq!(answer.error_id(), "MalformedRequestException", "{filter}");
    }
}

#[test]
fn the_client_lists_every_key_across_concurrent_pages_in_server_order() {
    let sandbox = sandbox_with(SandboxOptions {
        seed_keys: 950,
        ..SandboxOptions::default()
    });
    let client = vendor_client(&sandbox);
    let server_order =
        numbers(&get(&sandbox, "/token?filter=tokenType=APIKEY;items=1000", JSON).envelope());
    let keys = client.list_api_keys().expect("list");
    let listed: Vec<String> = keys.iter().map(|k| k.number.expose().to_owned()).collect();
    assert_eq!(listed, server_order);
    let small_pages = client
        .list_api_keys_with(
            ListOptions {
                page_size: 7,
                concurrency: 3,
            },
            &|_| {},
        )
        .expect("list in small pages");
    assert_eq!(small_pages.len(), SEEDED_KEYS + 950);
    let generated = keys
        .iter()
        .find(|k| k.name() == Some("Generated key 0042"))
        .expect("generated names");
    assert!(generated.role.is_some());
}

#[test]
fn get_returns_one_token_with_its_custom_properties() {
    let sandbox = sandbox();
    let client = vendor_client(&sandbox);
    let admin = client
        .get_api_key(&TokenNumber::parse(seed::ADMIN_KEY).unwrap())
        .expect("get");
    assert_eq!(admin.role, Some(Role::Admin));
    assert_eq!(admin.name(), Some("Deploy pipeline"));
    assert_eq!(admin.created(), Some("2025-01-14T09:30:00Z"));
    let customer = client
        .get_api_key(&TokenNumber::parse(seed::CUSTOMER_KEY).unwrap())
        .expect("get");
    assert_eq!(customer.customer(), Some(seed::CUSTOMER));
    assert_eq!(customer.role, Some(Role::Licensee));
    let licensee = client
        .get_api_key(&TokenNumber::parse(seed::LICENSEE_KEY).unwrap())
        .expect("get");
    assert_eq!((licensee.name(), licensee.created()), (None, None));

    let raw = get(&sandbox, &format!("/token/{}", seed::SHOP_TOKEN), XML);
    assert_eq!(raw.status, 200);
    let single = raw.envelope();
    assert_eq!(numbers(&single), [seed::SHOP_TOKEN]);
    assert_eq!(
        single.paging.total_items, None,
        "single entities have no paging"
    );
}

#[test]
fn unknown_numbers_are_400_not_found_and_odd_numbers_are_malformed() {
    let sandbox = sandbox();
    let unknown = "00000000-0000-4000-8000-000000000000";
    let answer = get(&sandbox, &format!("/token/{unknown}"), JSON);
    assert_eq!(answer.status, 400);
    assert_eq!(answer.error_id(), "NotFoundException");
    assert!(
        !answer.text().contains(unknown),
        "the number is not echoed in full"
    );
    let error = vendor_client(&sandbox)
        .get_api_key(&TokenNumber::parse(unknown).unwrap())
        .unwrap_err();
    assert!(matches!(error, ApiError::NotFound { .. }), "{error:?}");

    for odd in ["not%20a%20key", "..%2Fetc", "a%2Fb", "%C3%A4", "x%3Fy"] {
        let answer = get(&sandbox, &format!("/token/{odd}"), JSON);
        assert_eq!(answer.status, 400, "{odd}");
        assert_eq!(answer.error_id(), "MalformedRequestException", "{odd}");
    }
}

#[test]
fn creating_an_api_key_returns_it_and_never_the_private_key() {
    let sandbox = sandbox();
    let client = vendor_client(&sandbox);
    let key = private_key();
    let created = client
        .create_api_key(&NewApiKey {
            role: Some(Role::Operation),
            name: Some("Billing sync 2".into()),
            customer: Some(seed::CUSTOMER.into()),
            private_key: Some(Secret::new(key.clone())),
        })
        .expect("create");
    assert_eq!(created.role, Some(Role::Operation));
    assert_eq!(created.role_id(), Some("ROLE_APIKEY_OPERATION"));
    assert_eq!(created.name(), Some("Billing sync 2"));
    assert_eq!(created.customer(), Some(seed::CUSTOMER));
    assert!(created.active);
    let number = uuid::Uuid::parse_str(created.number.expose()).expect("a UUID");
    assert_eq!(number.get_version_num(), 4);

    for accept in [JSON, XML] {
        let raw = get(
            &sandbox,
            &format!("/token/{}", created.number.expose()),
            accept,
        );
        assert!(!raw.text().contains("privateKey"));
        assert!(!raw.text().contains(&key[..40]));
    }
    let list = get(&sandbox, "/token", JSON);
    assert!(!list.text().contains("privateKey"));
    assert_eq!(
        numbers(&list.envelope()).last().map(String::as_str),
        Some(created.number.expose()),
        "new tokens come last"
    );
}

#[test]
fn extra_fields_become_custom_properties_and_the_role_defaults_to_licensee() {
    let sandbox = sandbox();
    let answer = post_token(
        &sandbox,
        &demo_auth(),
        "tokenType=APIKEY&name=CRM+export&createdAt=2026-01-02T03%3A04%3A05Z&team=ops",
    );
    assert_eq!(answer.status, 200, "{}", answer.text());
    let envelope = answer.envelope();
    let item = &envelope.items[0];
    assert_eq!(item.property("apiKeyRole"), Some("ROLE_APIKEY_LICENSEE"));
    assert_eq!(item.property("name"), Some("CRM export"));
    assert_eq!(item.property("createdAt"), Some("2026-01-02T03:04:05Z"));
    assert_eq!(item.property("team"), Some("ops"));
    assert_eq!(item.property("active"), Some("true"));
    assert_eq!(item.property("licenseeNumber"), None);
    assert_eq!(envelope.paging.page_number, None);
}

#[test]
fn any_api_key_may_create_a_shop_token_for_a_customer() {
    let sandbox = sandbox();
    let answer = post_token(
        &sandbox,
        &key_auth(seed::LICENSEE_KEY),
        "tokenType=SHOP&licenseeNumber=I042-ACME&successURL=https%3A%2F%2Fexample.com%2Fok",
    );
    assert_eq!(answer.status, 200, "{}", answer.text());
    let item = answer.envelope().items.remove(0);
    assert_eq!(item.property("tokenType"), Some("SHOP"));
    assert_eq!(item.property("licenseeNumber"), Some(seed::CUSTOMER));
    assert_eq!(item.property("successURL"), Some("https://example.com/ok"));
    assert_eq!(item.property("apiKeyRole"), None);
    let number = item.property("number").unwrap();
    assert!(item.property("shopURL").unwrap().ends_with(number));
    let expires = OffsetDateTime::parse(item.property("expirationTime").unwrap(), &Rfc3339)
        .expect("an RFC 3339 expiry");
    assert!(expires > OffsetDateTime::now_utc());

    let missing = post_token(&sandbox, &key_auth(seed::LICENSEE_KEY), "tokenType=SHOP");
    assert_eq!(missing.status, 400);
    assert!(missing.error_message().contains("licenseeNumber"));
}

#[test]
fn each_validation_error_is_a_400_malformed_request() {
    let sandbox = sandbox();
    let full_key = private_key();
    let cases = [
        (
            "tokenType=APIKEY&apiKeyRole=ROLE_APIKEY_ROOT",
            "Unknown apiKeyRole",
        ),
        ("tokenType=APIKEY&apiKeyRole=admin", "Unknown apiKeyRole"),
        ("tokenType=APIKEY&name=", "'name' is empty"),
        (
            "tokenType=APIKEY&licenseeNumber=",
            "'licenseeNumber' is empty",
        ),
        ("tokenType=", "'tokenType' is empty"),
        ("name=x", "'tokenType' is required"),
        ("tokenType=DEFAULT", "cannot be created"),
        ("tokenType=ACTION", "cannot be created"),
        ("tokenType=APIKEY&name=a&name=b", "more than once"),
        ("tokenType=APIKEY&number=1234", "set by the server"),
        ("tokenType=APIKEY&privateKey=not-base64!", "not base64"),
        ("tokenType=APIKEY&privateKey=TUlJ", "not a PKCS#8"),
        ("tokenType=APIKEY&name=%ZZ%FF", "not UTF-8"),
    ];
    for (form, expected) in cases {
        let answer = post_token(&sandbox, &demo_auth(), form);
        assert_eq!(answer.status, 400, "{form}");
        assert_eq!(answer.error_id(), "MalformedRequestException", "{form}");
        assert!(
            answer.error_message().contains(expected),
            "{form}: {}",
            answer.error_message()
        );
    }
    let pem = format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----",
        &full_key[..64]
    );
    let wrapped = format!("{}\n{}", &full_key[..64], &full_key[64..]);
    for bad_key in [pem, wrapped, format!("{} ", &full_key[..100])] {
        let form = format!("tokenType=APIKEY&privateKey={}", form_value(&bad_key));
        let answer = post_token(&sandbox, &demo_auth(), &form);
        assert_eq!(answer.status, 400);
        assert!(
            !answer.text().contains(&full_key[..40]),
            "the key is not echoed"
        );
    }
    let json_body = send(
        http()
            .post(format!("{}/token", sandbox.base_url()))
            .header("Authorization", demo_auth())
            .header("Accept", JSON)
            .header("Content-Type", "application/json")
            .body(r#"{"tokenType":"APIKEY"}"#),
    );
    assert_eq!(json_body.status, 400);
    assert_eq!(json_body.error_id(), "MalformedRequestException");

    let client_error = vendor_client(&sandbox)
        .create_api_key(&NewApiKey {
            private_key: Some(Secret::new("MIIBadKey")),
            ..NewApiKey::default()
        })
        .unwrap_err();
    assert!(
        matches!(client_error, ApiError::InvalidInput { .. }),
        "{client_error:?}"
    );
    let keys = get(&sandbox, "/token?filter=tokenType=APIKEY", JSON).envelope();
    assert_eq!(keys.items.len(), SEEDED_KEYS, "nothing was created");
}

#[test]
fn delete_answers_204_with_an_empty_body_and_the_token_is_gone() {
    let sandbox = sandbox();
    let url = format!("{}/token/{}", sandbox.base_url(), seed::OPERATION_KEY);
    let deleted = send(
        http()
            .delete(&url)
            .header("Authorization", demo_auth())
            .header("Accept", JSON),
    );
    assert_eq!(deleted.status, 204);
    assert!(deleted.body.is_empty());
    let again = send(
        http()
            .delete(&url)
            .header("Authorization", demo_auth())
            .header("Accept", XML),
    );
    assert_eq!(again.status, 400);
    assert_eq!(again.error_id(), "NotFoundException");
    assert_eq!(
        get(&sandbox, &format!("/token/{}", seed::OPERATION_KEY), JSON).status,
        400
    );

    let client = vendor_client(&sandbox);
    let shop = TokenNumber::parse(seed::SHOP_TOKEN).unwrap();
    client
        .delete_token(&shop)
        .expect("delete through the client");
    let error = client.delete_token(&shop).unwrap_err();
    assert!(matches!(error, ApiError::NotFound { .. }), "{error:?}");
    assert_eq!(
        get(&sandbox, "/token", JSON).envelope().items.len(),
        SEEDED_TOKENS - 2
    );
}

#[test]
fn licensing_models_are_a_small_static_list() {
    let sandbox = sandbox();
    for accept in [JSON, XML] {
        let answer = get(&sandbox, "/utility/licensingModels", accept);
        assert_eq!(answer.status, 200);
        let envelope = answer.envelope();
        let names: Vec<&str> = envelope
            .items
            .iter()
            .inspect(|item| assert_eq!(item.item_type, "LicensingModelProperties"))
            .filter_map(|item| item.property("name"))
            .collect();
        assert_eq!(
            names,
            [
                "TryAndBuy",
                "Subscription",
                "Rental",
                "Floating",
                "MultiFeature",
                "PayPerUse",
                "PricingTable",
                "Quota",
                "NodeLocked"
            ]
        );
    }
    vendor_client(&sandbox)
        .check_credentials()
        .expect("the cheap check");
}

#[test]
fn unknown_paths_and_methods_are_404_envelopes() {
    let sandbox = sandbox();
    let base = sandbox.base_url();
    let root = base.trim_end_matches("/core/v2/rest").to_owned();
    let requests = [
        http().get(format!("{base}/licensee")),
        http().get(format!("{base}/token/{}/extra", seed::ADMIN_KEY)),
        http().put(format!("{base}/token")),
        http().delete(format!("{base}/token")),
        http().post(format!("{base}/utility/licensingModels")),
        http().patch(format!("{base}/token/{}", seed::ADMIN_KEY)),
        http().get(format!("{root}/")),
        http().get(format!("{root}/core/v2/token")),
    ];
    for request in requests {
        let answer = send(
            request
                .header("Authorization", demo_auth())
                .header("Accept", JSON),
        );
        assert_eq!(answer.status, 404, "{}", answer.text());
        assert_eq!(answer.error_id(), "NotFoundException");
    }
}
