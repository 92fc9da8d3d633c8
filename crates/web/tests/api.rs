//! Handler tests, in process (tower `oneshot`), and a generated corpus of bad requests.

use ampmatch_app::Setup;
use ampmatch_catalog::{Catalog, Device, DeviceKind};
use ampmatch_web::{AppState, MAX_BODY_BYTES, router};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

mod page;
mod server;

async fn send(req: Request<Body>) -> (StatusCode, String, Vec<u8>) {
    let resp = router(AppState::new()).oneshot(req).await.unwrap();
    let status = resp.status();
    let ctype = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = resp
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, ctype, body)
}

async fn get(uri: &str) -> (StatusCode, String, Vec<u8>) {
    send(Request::get(uri).body(Body::empty()).unwrap()).await
}

async fn post(uri: &str, body: impl Into<Body>) -> (StatusCode, String, Vec<u8>) {
    send(
        Request::post(uri)
            .header(header::CONTENT_TYPE, "application/json")
            .body(body.into())
            .unwrap(),
    )
    .await
}

/// A page's HTML, which must be a 200.
async fn page_text(uri: &str) -> String {
    let (status, _, body) = get(uri).await;
    assert_eq!(status, StatusCode::OK, "{uri}");
    String::from_utf8(body).unwrap()
}

fn json_of(b: &[u8]) -> Value {
    serde_json::from_slice(b)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(b)))
}

#[tokio::test]
async fn search_and_device() {
    let (s, ct, b) = get("/api/v1/devices?q=hd600&kind=load&limit=3").await;
    assert_eq!(s, StatusCode::OK);
    assert!(ct.starts_with("application/json"));
    let v = json_of(&b);
    assert_eq!(v[0]["id"], "sennheiser-hd600");
    assert_eq!(v[0]["figures"]["impedance_ohm"], 300.0);
    let (s, _, b) = get("/api/v1/devices/nwavguy-objective2-o2").await;
    assert_eq!(s, StatusCode::OK);
    let v = json_of(&b);
    assert_eq!(v["name"], "NwAvGuy Objective2 (O2)");
    assert_eq!(v["kind"], "amplifier");
    let (s, _, b) = get("/api/v1/devices/no-such-thing").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(
        json_of(&b)["error"]
            .as_str()
            .unwrap()
            .contains("no-such-thing")
    );
}

#[tokio::test]
async fn check_answers_what_the_cli_answers() {
    let (s, _, b) = post(
        "/api/v1/check",
        r#"{"amp": "Objective2", "load": "Sennheiser HD600"}"#,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    // The same analysis through the library the CLI uses, serialised the same way: the
    // bytes must be identical.
    let c = Catalog::builtin();
    let Ok(Device::Amplifier(a)) = c.resolve("Objective2", DeviceKind::Amplifier) else {
        panic!()
    };
    let Ok(Device::Load(l)) = c.resolve("Sennheiser HD600", DeviceKind::Load) else {
        panic!()
    };
    let direct = serde_json::to_vec(&Setup::default().analyze(&a, &l, None).unwrap()).unwrap();
    assert!(b == direct, "API and library reports differ");
    assert_eq!(json_of(&b)["verdict"], "good");
}

#[tokio::test]
async fn check_with_inline_devices() {
    // 2 V open circuit, 0 Ω, into a flat 32 Ω, 100 dB/V headphone: 100 + 20·log10(2) =
    // 106.02 dB max; the 110 dB target is 3.98 dB out of reach.
    let body = json!({
        "amp": { "type": "amplifier", "brand": "My", "model": "Amp", "outputs": [ { "name": "out", "kind": "single-ended", "max_voltage_vrms": 2.0, "output_impedance_ohm": 0.0 } ] },
        "load": { "type": "headphone", "brand": "My", "model": "Phone", "form": "over-ear", "impedance_ohm": 32, "sensitivity_db": 100, "sensitivity_unit": "dB/V" },
        "target_spl_db": 110
    });
    let (s, _, b) = post("/api/v1/check", body.to_string()).await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&b));
    let v = json_of(&b);
    assert!((v["max"]["spl_db"].as_f64().unwrap() - 106.0206).abs() < 1e-3);
    assert_eq!(v["verdict"], "insufficient");
    // A bad figure inside an inline device names the field.
    let mut bad = body.clone();
    bad["load"]["impedance_ohm"] = json!(-32);
    let (s, _, b) = post("/api/v1/check", bad.to_string()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let e = json_of(&b);
    assert_eq!(e["field"], "load");
    assert!(e["error"].as_str().unwrap().contains("impedance_ohm"));
}

#[tokio::test]
async fn speaker_check_with_listening_and_cable() {
    let body = json!({"amp": "Bryston 4B", "load": "Acoustic Energy AE100 Mk2", "listening": {"distance_m": 5, "speakers": 1, "room_gain_db": 0, "preset": "cinema"}, "cable": {"length_m": 5, "mm2": 2.5}});
    let (s, _, b) = post("/api/v1/check", body.to_string()).await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&b));
    let v = json_of(&b);
    assert_eq!(v["listening"]["preset"], "cinema");
    assert_eq!(v["target_spl_db"], 105.0);
    // −20·log10(5) + 0 + 0 = −13.98 dB.
    assert!((v["listening"]["offset_db"].as_f64().unwrap() + 13.979).abs() < 1e-3);
    assert!((v["cable_resistance_ohm"].as_f64().unwrap() - 0.0688).abs() < 1e-6);
}

#[tokio::test]
async fn plots_openapi_page_and_assets() {
    let (s, ct, b) = get("/api/v1/plot/deviation.svg?amp=O2&amp=Bryston%204B&load=HD600").await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&b));
    assert_eq!(ct, "image/svg+xml");
    let svg = String::from_utf8(b).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("Bryston 4B"));
    let (s, _, _) = get("/api/v1/plot/bogus.svg?amp=O2&load=HD600").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, ct, b) = get("/api/v1/openapi.json").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(ct, "application/json");
    let doc = json_of(&b);
    assert_eq!(doc["openapi"], "3.0.3");
    assert!(doc["paths"]["/api/v1/check"]["post"].is_object());
    let (s, ct, b) = get("/?amp=Objective2&load=Sennheiser+HD600&target=105").await;
    assert_eq!(s, StatusCode::OK);
    assert!(ct.starts_with("text/html"));
    let html = String::from_utf8(b).unwrap();
    assert!(
        html.contains(r#"id="verdict">good<"#),
        "no verdict on the page"
    );
    assert!(
        html.contains("<svg") && html.contains("105 dB SPL peak"),
        "page lacks the chart or the target"
    );
    // A bad value is shown on the page, not a server error.
    let html = page_text("/?amp=O2&load=HD600&target=abc").await;
    assert!(
        html.contains("id=\"error\"") && html.contains("abc") && html.contains("not a number"),
        "no error on the page"
    );
    let (s, ct, _) = get("/static/app.js").await;
    assert_eq!(s, StatusCode::OK);
    assert!(ct.starts_with("text/javascript"));
    for uri in [
        "/static/..%2F..%2FCargo.toml",
        "/static/../src/lib.rs",
        "/static/%2e%2e%2fCargo.toml",
        "/static/app.js%00",
        "/static/",
    ] {
        let (s, _, b) = get(uri).await;
        assert!(s.is_client_error(), "{uri}: {s}");
        assert!(json_of(&b)["error"].is_string(), "{uri}");
    }
}

#[tokio::test]
async fn huge_body_is_413_json() {
    let big = format!(
        r#"{{"amp": "{}", "load": "HD600"}}"#,
        "x".repeat(MAX_BODY_BYTES + 10)
    );
    let (s, _, b) = post("/api/v1/check", big).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(json_of(&b)["error"].is_string());
}

/// Whether `v` is an allowed value for a device-file number (docs/devices.md), so the corpus
/// only sends values that must be refused.
fn allowed_number(key: &str, v: &Value) -> bool {
    // Names: any non-empty text of at most 200 characters without control characters.
    if matches!(key, "brand" | "model" | "name") {
        return v.as_str().is_some_and(|t| {
            !t.trim().is_empty() && t.chars().count() <= 200 && !t.chars().any(char::is_control)
        });
    }
    let Some(x) = v.as_f64() else { return false };
    match key {
        "impedance_ohm" | "max_input_power_mw" | "max_voltage_vrms" | "noise_uv" => {
            x > 0.0
                && x <= if key == "impedance_ohm" {
                    1e5
                } else if key == "max_voltage_vrms" {
                    1000.0
                } else if key == "noise_uv" {
                    1e6
                } else {
                    1e7
                }
        }
        "sensitivity_db" => (50.0..=150.0).contains(&x),
        "output_impedance_ohm" => (0.0..=10_000.0).contains(&x),
        "gain_db" => (-60.0..=80.0).contains(&x),
        _ => false,
    }
}

/// ≥ 1000 bad requests, each answered 4xx with a JSON error (never 5xx, never a panic).
#[tokio::test]
async fn a_thousand_bad_requests() {
    let bad_values: Vec<Value> = vec![
        json!(null),
        json!(true),
        json!(false),
        json!(0),
        json!(-1),
        json!(1e308),
        json!(-1e308),
        json!(""),
        json!(" "),
        json!("x".repeat(300)),
        json!([]),
        json!([1, 2]),
        json!({}),
        json!({"a": 1}),
        json!("no-such-device-zz"),
        json!(1e6),
        json!(-1e6),
        json!("NaN"),
        json!("110"),
        json!(1.5e-300),
        json!("\u{0}"),
        json!("💥"),
        json!({"type": "toaster"}),
    ];
    let mut requests: Vec<(Method, String, Vec<u8>)> = vec![];
    let base = json!({"amp": "Objective2", "load": "Sennheiser HD600"});
    // Every top-level field with every bad value.
    for key in [
        "amp",
        "load",
        "output",
        "target_spl_db",
        "hiss_threshold_db",
        "source_vrms",
        "listening",
        "cable",
        "unknown_field",
    ] {
        for v in &bad_values {
            let mut b = base.clone();
            b[key] = v.clone();
            // Values that happen to be valid for this field are skipped, not counted (short
            // strings such as "NaN" are fair fuzzy searches for a device name).
            if (key == "amp" || key == "load") && matches!(v.as_str(), Some("NaN" | "110")) {
                continue;
            }
            // Values that happen to be valid for this field are skipped, not counted.
            let valid = matches!((key, v), ("output", Value::Null) | ("target_spl_db" | "hiss_threshold_db" | "source_vrms" | "listening" | "cable", Value::Null) | ("listening", Value::Object(_)) if v.as_object().is_none_or(|o| o.is_empty()))
                || (key == "target_spl_db"
                    && v.as_f64().is_some_and(|x| (0.0..=160.0).contains(&x)))
                || (key == "hiss_threshold_db"
                    && v.as_f64().is_some_and(|x| (-20.0..=60.0).contains(&x)))
                || (key == "source_vrms"
                    && v.as_f64().is_some_and(|x| (0.01..=100.0).contains(&x)));
            if !valid {
                requests.push((
                    Method::POST,
                    "/api/v1/check".into(),
                    b.to_string().into_bytes(),
                ));
            }
        }
    }
    // Nested listening and cable fields.
    for key in ["distance_m", "speakers", "room_gain_db", "preset", "bogus"] {
        for v in &bad_values {
            if v.is_null()
                || (key == "room_gain_db"
                    && v.as_f64().is_some_and(|x| (-20.0..=20.0).contains(&x)))
            {
                continue;
            }
            let mut b = base.clone();
            b["listening"] = json!({ key: v });
            requests.push((
                Method::POST,
                "/api/v1/check".into(),
                b.to_string().into_bytes(),
            ));
        }
    }
    for key in ["length_m", "awg", "mm2", "resistance_ohm", "bogus"] {
        for v in &bad_values {
            // A cable given by its resistance alone is complete: in-range values are valid.
            if key == "resistance_ohm" && v.as_f64().is_some_and(|x| (0.0..=100.0).contains(&x))
                || v.is_null()
            {
                continue;
            }
            let mut b = base.clone();
            b["cable"] = json!({ key: v });
            requests.push((
                Method::POST,
                "/api/v1/check".into(),
                b.to_string().into_bytes(),
            ));
        }
    }
    // Inline devices with a bad figure.
    let phone = json!({"type": "headphone", "brand": "B", "model": "M", "form": "over-ear", "impedance_ohm": 32, "sensitivity_db": 100, "sensitivity_unit": "dB/mW"});
    for key in [
        "impedance_ohm",
        "sensitivity_db",
        "sensitivity_unit",
        "form",
        "type",
        "brand",
        "max_input_power_mw",
        "surprise",
    ] {
        for v in &bad_values {
            if v.is_null() && key != "type" && key != "brand" {
                continue;
            }
            if allowed_number(key, v) {
                continue;
            }
            let mut p = phone.clone();
            p[key] = v.clone();
            requests.push((
                Method::POST,
                "/api/v1/check".into(),
                json!({"amp": "O2", "load": p}).to_string().into_bytes(),
            ));
        }
    }
    let amp = json!({"type": "amplifier", "brand": "B", "model": "M", "outputs": [{"name": "o", "kind": "single-ended", "max_voltage_vrms": 2}]});
    for key in [
        "max_voltage_vrms",
        "output_impedance_ohm",
        "gain_db",
        "noise_uv",
        "kind",
        "name",
        "power",
        "mystery",
    ] {
        for v in &bad_values {
            if v.is_null() && key != "kind" && key != "name" {
                continue;
            }
            if allowed_number(key, v) {
                continue;
            }
            let mut a = amp.clone();
            a["outputs"][0][key] = v.clone();
            if key == "power" && v.as_array().is_some_and(|a| a.is_empty()) {
                continue;
            }
            requests.push((
                Method::POST,
                "/api/v1/check".into(),
                json!({"amp": a, "load": "HD600"}).to_string().into_bytes(),
            ));
        }
    }
    // Malformed bodies.
    for body in [
        &b""[..],
        b"{",
        b"}",
        b"[]",
        b"42",
        b"\"amp\"",
        b"null",
        b"{\"amp\": }",
        b"\xff\xfe\xfd",
        b"{\"amp\": \"O2\", \"load\": \"\xc3\x28\"}",
        b"{\"amp\":\"O2\",\"load\":\"HD600\"",
        b"nul",
        b"{'amp': 'O2'}",
    ] {
        for _ in 0..3 {
            requests.push((Method::POST, "/api/v1/check".into(), body.to_vec()));
        }
    }
    // Bad searches, plots, routes and methods.
    for q in [
        "kind=speaker",
        "limit=0",
        "limit=101",
        "limit=abc",
        "limit=-1",
        "bogus=1",
        &format!("q={}", "x".repeat(300)),
        "kind=",
        "limit=1e3",
    ] {
        requests.push((Method::GET, format!("/api/v1/devices?{q}"), vec![]));
    }
    for q in [
        "",
        "amp=O2",
        "load=HD600",
        "amp=zzqq&load=HD600",
        "amp=O2&load=zzqq",
        "amp=O2&load=HD600&target=abc",
        "amp=O2&load=HD600&target=1e9",
        "amp=O2&load=HD600&preset=disco",
        "amp=O2&load=HD600&speakers=1.5",
        "amp=O2&load=HD600&distance=-1",
        "amp=O2&load=HD600&output=xlr",
        "amp=O2&load=HD600&wat=1",
        "amp=FiiO&load=HD600",
        "amp=HD600&load=O2",
    ] {
        for kind in ["impedance", "deviation", "max-spl", "power"] {
            requests.push((Method::GET, format!("/api/v1/plot/{kind}.svg?{q}"), vec![]));
        }
    }
    for uri in [
        "/api/v1/nope",
        "/api/v2/check",
        "/api/v1/devices/",
        "/api/v1/devices/..%2F..",
        "/api/v1/plot/",
        "/nope",
        "/api/v1/plot/x.png?amp=O2&load=HD600",
    ] {
        requests.push((Method::GET, uri.into(), vec![]));
    }
    for (m, uri) in [
        (Method::GET, "/api/v1/check"),
        (Method::PUT, "/api/v1/check"),
        (Method::DELETE, "/api/v1/devices/sennheiser-hd600"),
        (Method::POST, "/api/v1/devices"),
    ] {
        requests.push((m, uri.into(), vec![]));
    }
    // Unknown devices, each a different name.
    for i in 0..60 {
        requests.push((
            Method::POST,
            "/api/v1/check".into(),
            json!({"amp": format!("qqzz-no-amp-{i}"), "load": "HD600"})
                .to_string()
                .into_bytes(),
        ));
        requests.push((
            Method::POST,
            "/api/v1/check".into(),
            json!({"amp": "O2", "load": format!("qqzz-no-load-{i}")})
                .to_string()
                .into_bytes(),
        ));
        requests.push((Method::GET, format!("/api/v1/devices/qqzz-{i}"), vec![]));
    }
    assert!(requests.len() >= 1000, "only {} requests", requests.len());
    let app = router(AppState::new());
    for (method, uri, body) in &requests {
        let req = Request::builder()
            .method(method.clone())
            .uri(uri.as_str())
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.clone()))
            .unwrap();
        let resp = app.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        assert!(
            status.is_client_error(),
            "{method} {uri} {}: {status} {}",
            String::from_utf8_lossy(&body[..body.len().min(300)]),
            String::from_utf8_lossy(&bytes[..bytes.len().min(300)])
        );
        let v: Value = serde_json::from_slice(&bytes).unwrap_or_else(|_| {
            panic!(
                "{method} {uri}: not JSON: {}",
                String::from_utf8_lossy(&bytes)
            )
        });
        assert!(
            v["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{method} {uri}: {v}"
        );
    }
    eprintln!("{} bad requests, all 4xx with a JSON error", requests.len());
}

#[tokio::test]
async fn repeated_checks_give_the_same_bytes() {
    // The answer cache keys on the exact body: a repeat is byte-identical, a different
    // target is a different answer.
    let app = router(AppState::new());
    let ask = |body: &'static str| {
        let app = app.clone();
        async move {
            let resp = app
                .oneshot(
                    Request::post("/api/v1/check")
                        .body(Body::from(body))
                        .unwrap(),
                )
                .await
                .unwrap();
            resp.into_body().collect().await.unwrap().to_bytes()
        }
    };
    let a = ask(r#"{"amp": "O2", "load": "HD600"}"#).await;
    let b = ask(r#"{"amp": "O2", "load": "HD600"}"#).await;
    let c = ask(r#"{"amp": "O2", "load": "HD600", "target_spl_db": 100}"#).await;
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert_eq!(json_of(&c)["target_spl_db"], 100.0);
}

#[tokio::test]
async fn page_offers_the_amplifier_outputs() {
    // The Echo Link Amp has two outputs (speaker and single-ended): the picker lists them,
    // and the chosen one is kept in the URL state.
    let html = page_text("/?amp=Amazon+Echo+Link+Amp&load=HD600&output=speaker").await;
    assert!(
        html.contains(r#"<option value="single-ended""#)
            && html.contains(r#"<option value="speaker" selected>"#),
        "no output picker"
    );
    assert!(html.contains("[speaker output]"));
}

/// The OpenAPI document states every API setup field with the app table's bounds, nested
/// where the API nests it, and the page's query keys on the plot route.
#[tokio::test]
async fn openapi_follows_the_setup_table() {
    let (s, _, b) = get("/api/v1/openapi.json").await;
    assert_eq!(s, StatusCode::OK);
    let doc = json_of(&b);
    let props = &doc["components"]["schemas"]["CheckRequest"]["properties"];
    let mut n = 0;
    for f in ampmatch_app::FIELDS {
        let Some(api) = f.api else { continue };
        let schema = match api.split_once('.') {
            Some((g, k)) => &props[g]["properties"][k],
            None => &props[api],
        };
        assert_eq!(schema["minimum"].as_f64(), Some(f.min), "{api}");
        assert_eq!(schema["maximum"].as_f64(), Some(f.max), "{api}");
        assert_eq!(
            schema["exclusiveMinimum"].as_bool().unwrap_or(false),
            f.min_exclusive
        );
        n += 1;
    }
    assert!(n >= 15);
    let params = doc["paths"]["/api/v1/plot/{kind}.svg"]["get"]["parameters"]
        .as_array()
        .unwrap();
    for f in ampmatch_app::FIELDS.iter().filter(|f| f.query.is_some()) {
        assert!(params.iter().any(
            |p| p["name"] == f.query.unwrap() && p["schema"]["maximum"].as_f64() == Some(f.max)
        ));
    }
}

/// A value the table refuses is refused the same way by the API and the page.
#[tokio::test]
async fn api_and_page_share_the_bounds() {
    let (s, _, b) = post(
        "/api/v1/check",
        r#"{"amp": "O2", "load": "HD600", "listening": {"distance_m": 0.001}}"#,
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let e = json_of(&b);
    assert_eq!(e["field"], "listening.distance_m");
    assert!(
        e["error"]
            .as_str()
            .unwrap()
            .contains("from 0.01 to 10000 m")
    );
    let (s, _, b) = get("/?amp=O2&load=HD600&distance=0.001").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        String::from_utf8_lossy(&b)
            .contains("distance = 0.001: allowed: a number from 0.01 to 10000 m")
    );
}

/// An unknown name is a 404 with suggestions; on the page the suggestions are links.
#[tokio::test]
async fn unknown_names_come_with_suggestions() {
    let (s, _, b) = post(
        "/api/v1/check",
        r#"{"amp": "O2", "load": "senheiser hd6000x"}"#,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let e = json_of(&b);
    assert_eq!(e["field"], "load");
    assert!(!e["suggestions"].as_array().unwrap().is_empty(), "{e}");
    let (s, _, b) = get("/?amp=O2&load=senheiser+hd6000x").await;
    assert_eq!(s, StatusCode::OK);
    let html = String::from_utf8_lossy(&b);
    assert!(
        html.contains(r#"id="suggestions""#)
            && html.contains("href=\"/?amp=O2&#38;load=sennheiser-hd600\""),
        "{html}"
    );
}

#[tokio::test]
async fn an_eq_preset_travels_in_the_body_and_the_link() {
    // +6 dB low shelf at 105 Hz on the O2 into an HD600 (flat 300 Ω, 97 dB/V, 7.24 V at
    // full output): at 20 Hz the shelf adds +5.99 dB, so the 110 dB target's 4.467 V
    // becomes 8.90 V against 7.24 V — 1.8 dB short: checks.eq is a problem.
    let preset = "Preamp: -6 dB\nFilter 1: ON LSC Fc 105 Hz Gain 6 dB Q 0.7\n";
    let (status, _, body) = post(
        "/api/v1/check",
        json!({"amp": "nwavguy-objective2-o2", "load": "sennheiser-hd600", "eq": preset})
            .to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let v = json_of(&body);
    assert_eq!(v["checks"]["eq"]["status"], "problem");
    assert!(
        (v["eq"]["worst_headroom_db"].as_f64().unwrap() + 1.79).abs() < 0.02,
        "{}",
        v["eq"]
    );
    assert!(v["curve"][0]["required_voltage_vrms"].is_f64());
    // A broken preset: 400 naming the field and the line.
    let (status, _, body) = post(
        "/api/v1/check",
        json!({"amp": "o2", "load": "hd600", "eq": "Filter 1: ON PK Fc 100 Hz Gain 3 dB\n"})
            .to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let v = json_of(&body);
    assert_eq!(v["field"], "eq");
    assert!(
        v["error"].as_str().unwrap().contains(":1: Q: missing"),
        "{v}"
    );
    // The page: the preset in the query gives the EQ section, the check and the chart.
    let q: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("amp", "nwavguy-objective2-o2")
        .append_pair("load", "sennheiser-hd600")
        .append_pair("eq", preset)
        .finish();
    let html = page_text(&format!("/?{q}")).await;
    assert!(html.contains("With the EQ") && html.contains("chart-eq"));
    assert!(
        html.contains("Preamp: -6 dB"),
        "the textarea keeps the preset"
    );
}

#[tokio::test]
async fn the_explain_page_and_json() {
    let (status, ctype, body) = get("/api/v1/explain").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("application/json"));
    let v = json_of(&body);
    for key in ["classes", "loads", "claims", "drive"] {
        assert!(v[key].is_array() || v[key].is_object(), "{key}");
    }
    let verdicts = ["borne-out", "partly", "myth", "not-checkable"];
    for c in v["claims"].as_array().unwrap() {
        assert!(verdicts.contains(&c["verdict"].as_str().unwrap()), "{c}");
    }
    assert!(
        v["classes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["class"] == "speaker")
    );
    let html = page_text("/explain").await;
    assert!(html.contains("The article's claims") && html.contains("<svg"));
    // The main page links to it.
    let (_, _, body) = get("/").await;
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("href=\"/explain\"")
    );
}
