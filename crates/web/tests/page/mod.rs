//! The page (issue 15): banners, shared links, compression, colours, the rank view, labels,
//! "my own device" figures, the inline entry of a missing figure, a typed-in track, the
//! track and impedance-curve uploads, the charts' words, legend and PNG.

use super::*;

#[tokio::test]
async fn a_speaker_amp_into_headphones_offers_an_adapter() {
    // The NAD C 399's speaker output into an HD600: the page designs the adapter and links
    // to the same view through it; that view analyses the adapted output.
    let html = page_text("/?amp=nad-c-399&load=sennheiser-hd600").await;
    assert!(html.contains("resistor adapter") && html.contains("Series resistor"));
    let link = html
        .split("href=\"")
        .find(|s| s.contains("adapter="))
        .and_then(|s| s.split('"').next())
        .unwrap()
        .replace("&#38;", "&");
    let html = page_text(&link).await;
    assert!(html.contains("+ adapter"), "the adapted output is named");
    assert!(
        !html.contains("Series resistor"),
        "no second design through an adapter"
    );
    // A malformed adapter: 400 naming the field.
    let (status, _, body) =
        get("/api/v1/plot/impedance.svg?amp=nad-c-399&load=hd600&adapter=1").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json_of(&body)["field"], "adapter");
}

#[tokio::test]
async fn a_shared_link_survives_tracking_parameters() {
    // Sites append their own keys to links; the page ignores what it does not know, the
    // API's plot route stays strict.
    let (status, _, body) =
        get("/?amp=nwavguy-objective2-o2&load=sennheiser-hd600&fbclid=IwAR0abc&utm_source=x").await;
    assert_eq!(status, StatusCode::OK);
    let html = String::from_utf8(body).unwrap();
    assert!(
        !html.contains("unknown parameter") && html.contains("class=\"verdict"),
        "a result"
    );
    let (status, _, body) =
        get("/api/v1/plot/impedance.svg?amp=nwavguy-objective2-o2&load=sennheiser-hd600&fbclid=x")
            .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json_of(&body)["field"], "fbclid");
}

#[tokio::test]
async fn gzip_favicon_and_description() {
    let resp = router(AppState::new())
        .oneshot(
            Request::get("/?amp=nwavguy-objective2-o2&load=sennheiser-hd600")
                .header(header::ACCEPT_ENCODING, "gzip")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        resp.headers().get(header::CONTENT_ENCODING).unwrap(),
        "gzip"
    );
    let (status, ctype, _) = get("/favicon.ico").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ctype, "image/svg+xml");
    let (_, _, body) = get("/").await;
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("<meta name=\"description\"")
    );
}

/// WCAG relative luminance of "#rrggbb".
fn luminance(hex: &str) -> f64 {
    let c = |i: usize| {
        let v = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * c(1) + 0.7152 * c(3) + 0.0722 * c(5)
}

#[test]
fn each_verdict_has_its_own_colour_with_contrast() {
    // Banner text is white: (1 + 0.05)/(L + 0.05) ≥ 4.5 (WCAG AA) for every verdict colour,
    // and no two verdicts share a colour.
    let css = include_str!("../../static/style.css");
    let mut seen = std::collections::HashSet::new();
    for v in [
        "good",
        "marginal",
        "insufficient",
        "unsafe",
        "unknown",
        "incompatible",
    ] {
        let key = format!("--{v}: #");
        let at = css
            .find(&key)
            .unwrap_or_else(|| panic!("{v} has no colour"))
            + key.len()
            - 1;
        let hex = &css[at..at + 7];
        let contrast = 1.05 / (luminance(hex) + 0.05);
        assert!(contrast >= 4.5, "{v} {hex}: {contrast:.2}:1");
        assert!(seen.insert(hex.to_string()), "{v} shares {hex}");
        assert!(
            css.contains(&format!(".verdict.{v} {{ background: var(--{v}); }}")),
            "{v} banner"
        );
    }
}

#[tokio::test]
async fn compare_shows_a_banner_per_pair() {
    // O2 → HD600 and Bryston 4B → HD600: the second pair's own verdict is on the page
    // with its reason, not only the first pair's banner.
    let (_, _, body) =
        get("/?amp=nwavguy-objective2-o2&amp=bryston-4b&load=sennheiser-hd600").await;
    let html = String::from_utf8(body).unwrap();
    assert_eq!(
        html.matches("class=\"verdict mini").count(),
        2,
        "two pair banners"
    );
    assert!(
        html.contains("verdict mini unsafe"),
        "the power amp's unsafe verdict"
    );
    // No big banner for the first pair above the others: the pairs are the result.
    assert!(
        !html.contains("id=\"verdict\""),
        "no single-pair banner when comparing"
    );
    assert!(html.contains("<section id=\"result\" class=\"pairs\""));
}

#[tokio::test]
async fn the_rank_view_lists_every_row_paged() {
    // Amplifiers for the HD600, best first, 50 a page, each linking to its check.
    let html = page_text("/rank?load=sennheiser-hd600").await;
    assert!(html.contains("Sennheiser HD600:") && html.contains("pairings, best first"));
    let rows = html.matches("<tr><td>").count();
    assert!(rows > 0 && rows <= 50, "{rows} rows");
    assert!(
        html.contains("href=\"/?amp="),
        "each row links to its check"
    );
    if html.contains("next →") {
        assert!(
            page_text("/rank?load=sennheiser-hd600&page=2")
                .await
                .contains("<td>51</td>")
        );
    }
    // Loads for an amplifier, and a name that matches nothing: the error, not a crash.
    let (status, _, _) = get("/rank?amp=nwavguy-objective2-o2").await;
    assert_eq!(status, StatusCode::OK);
    let (_, _, body) = get("/rank?load=zzzz-nothing").await;
    assert!(String::from_utf8(body).unwrap().contains("id=\"error\""));
}

#[tokio::test]
async fn every_input_has_a_label() {
    // Each <input>, <select> and <textarea> of the page (with a result, an EQ box, the
    // custom fields) is inside a <label>, named by a <label for>, or has an aria-label.
    let (_, _, body) = get("/?amp=nwavguy-objective2-o2&amp=&load=sennheiser-hd600").await;
    let html = String::from_utf8(body).unwrap();
    let mut checked = 0;
    for tag in ["<input", "<select", "<textarea"] {
        for (at, _) in html.match_indices(tag) {
            let end = at + html[at..].find('>').unwrap();
            let element = &html[at..=end];
            if element.contains("type=\"hidden\"") || element.contains("type=\"submit\"") {
                continue;
            }
            let id = element
                .split("id=\"")
                .nth(1)
                .and_then(|s| s.split('"').next());
            let by_for = id.is_some_and(|id| html.contains(&format!("<label for=\"{id}\"")));
            let wrapped = html[..at]
                .rfind("<label")
                .is_some_and(|l| !html[l..at].contains("</label>"));
            assert!(
                element.contains("aria-label=") || by_for || wrapped,
                "unlabelled: {element}"
            );
            checked += 1;
        }
    }
    assert!(checked > 15, "{checked} inputs checked");
    assert!(html.contains("class=\"skip\""), "a skip link");
}

#[tokio::test]
async fn my_own_amplifier_from_labelled_fields() {
    // No name in the amplifier box: "500 mW @ 32 Ω" is the amplifier. V = √(0.5 W × 32 Ω)
    // = 4.000 V, held above the rated load; the HD600's lower sensitivity (97 dB/V, maker)
    // decides loudness: 97 + 20·log10(4) = 109.04 dB SPL.
    for q in [
        "/?amp_power=500&amp_ohm=32&load=sennheiser-hd600",
        "/?amp_power=0.5&amp_power_unit=W&amp_ohm=32&load=sennheiser-hd600",
    ] {
        let html = page_text(q).await;
        assert!(html.contains("id=\"verdict\""), "{q}: a verdict");
        assert!(html.contains("109 dB SPL"), "{q}");
        assert!(html.contains("My amplifier"), "{q}");
    }
    // The same device through the API, to the hundredth: 109.04 dB SPL.
    let amp = json!({"type": "amplifier", "brand": "My", "model": "amplifier", "outputs": [
        {"name": "my output", "kind": "single-ended", "power": [{"load_ohm": 32, "power_mw": 500}]}]});
    let (_, _, body) = post(
        "/api/v1/check",
        json!({"amp": amp, "load": "sennheiser-hd600"}).to_string(),
    )
    .await;
    let spl = json_of(&body)["max"]["spl_db"].as_f64().unwrap();
    assert!((spl - 109.04).abs() < 0.01, "{spl}");
    // A power without its load names the missing field.
    let html = page_text("/?amp_power=500&load=sennheiser-hd600").await;
    assert!(html.contains("amp_ohm: the power needs the load"), "{html}");
}

#[tokio::test]
async fn my_own_headphone_from_labelled_fields() {
    // 2 V (maximum voltage, output impedance unknown so 0 Ω assumed) into my IEM of
    // 16 Ω and 100 dB/V: 100 + 20·log10(2) = 106.02 dB SPL.
    let html =
        page_text("/?amp_vmax=2&load_type=in-ear&load_z=16&load_sens=100&load_unit=dB%2FV").await;
    assert!(html.contains("My amplifier → My headphone"), "pair label");
    assert!(html.contains("106 dB SPL"));
    // A speaker's unit offered to a headphone is refused by name.
    let html = page_text("/?amp_vmax=2&load_z=16&load_sens=100&load_unit=1W%2F1m").await;
    assert!(html.contains("load_unit = &#34;1W/1m&#34;: allowed for a headphone"));
}

#[tokio::test]
async fn an_unknown_answer_takes_its_missing_figure_inline() {
    // The catalog's Bryston B135³ has no power rating: the loudness answer is unknown and
    // the page offers the missing figures in a form that keeps the rest of the view.
    let html = page_text("/?amp=bryston-b1353&load=sennheiser-hd600").await;
    let form = &html[html.find("id=\"fill\"").expect("an inline entry form")..];
    let form = &form[..form.find("</form>").unwrap()];
    assert!(form.contains("name=\"amp_power\""));
    assert!(form.contains("name=\"amp_ohm\""));
    assert!(form.contains("<input type=\"hidden\" name=\"amp\" value=\"bryston-b1353\">"));
    assert!(form.contains("<input type=\"hidden\" name=\"load\" value=\"sennheiser-hd600\">"));
    assert!(
        !form.contains("name=\"amp_gain\""),
        "the catalog knows the gain"
    );
    // Entered: 135 W into 8 Ω is √(135 × 8) = 32.86 V, held into 300 Ω:
    // 97 + 20·log10(32.86) = 127.33 dB SPL. The output impedance the catalog knows stays.
    let html = page_text(
        "/?amp=bryston-b1353&load=sennheiser-hd600&amp_power=135&amp_power_unit=W&amp_ohm=8&amp_zout=5",
    )
    .await;
    assert!(html.contains("127 dB SPL"));
    assert!(html.contains("Your figure, used: power or voltage rating"));
    assert!(html.contains("Your output impedance (5.00 Ω) is not used"));
}

#[tokio::test]
async fn a_typed_in_track_sets_the_target() {
    // −14 LUFS, +0.5 dBTP played at 85 dB: target 85 + 0.5 − (−14) = 99.5 dB SPL peak.
    // The O2 gives 7.24 V into 300 Ω (catalog rating) and the HD600 97 dB/V: it clips
    // above 20·log10(7.24) − (85 + 14 − 97) = 17.19 − 2 = 15.2 dBFS, over the track's peak.
    let base = "/?amp=nwavguy-objective2-o2&load=sennheiser-hd600";
    let html = page_text(&format!("{base}&track_lufs=-14&track_dbtp=0.5&level=85")).await;
    assert!(html.contains("target 99.5 dB SPL peak"), "target");
    assert!(html.contains("stays below the clipping level (15.2 dBFS)"));
    // −6 LUFS, 0 dBTP at 110 dB: clips above 17.19 − (110 + 6 − 97) = −1.8 dBFS.
    let html = page_text(&format!("{base}&track_lufs=-6&track_dbtp=0&level=110")).await;
    assert!(html.contains("clips above -1.8 dBFS"), "clip warning");
    // Half a track is an error naming what is missing; a track and a target conflict.
    let html = page_text(&format!("{base}&track_lufs=-14&level=85")).await;
    assert!(html.contains("track_dbtp: a track needs"));
    let html = page_text(&format!(
        "{base}&track_lufs=-14&track_dbtp=0&level=85&target=100"
    ))
    .await;
    assert!(html.contains("target: a track sets the target"));
}

#[tokio::test]
async fn charts_carry_words_a_legend_below_and_a_png() {
    let q = "amp=nwavguy-objective2-o2&load=sennheiser-hd600";
    let (status, ctype, body) = get(&format!("/api/v1/plot/impedance.svg?{q}")).await;
    assert_eq!((status, ctype.as_str()), (StatusCode::OK, "image/svg+xml"));
    let svg = String::from_utf8(body).unwrap();
    // The text alternative: the HD600 has no curve in the catalog, so its line is the
    // nominal 300 Ω everywhere.
    assert!(
        svg.contains("role=\"img\"><title>Load impedance</title>"),
        "{}",
        &svg[..300]
    );
    assert!(svg.contains("Sennheiser HD600: 300 Ω throughout.</desc>"));
    // The legend's label sits below the 380 px plot, not over the data.
    let label = svg
        .find("\nNwAvGuy Objective2 (O2) → Sennheiser HD600\n")
        .unwrap();
    let text_tag = &svg[svg[..label].rfind("<text").unwrap()..label];
    let y: f64 = text_tag
        .split("y=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(y >= 380.0, "legend at y = {y}");
    // PNG: the 760 × (380 + 8 + 22) chart at 2×, its legend text really drawn (dark pixels
    // right of the swatch, where only the label's glyphs are).
    let (status, ctype, body) = get(&format!("/api/v1/plot/impedance.png?{q}")).await;
    assert_eq!((status, ctype.as_str()), (StatusCode::OK, "image/png"));
    let img = resvg::tiny_skia::Pixmap::decode_png(&body).unwrap();
    assert_eq!((img.width(), img.height()), (1520, 820));
    let dark = (2 * 388..2 * 410)
        .flat_map(|y| (2 * 120..2 * 500).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            img.pixel(x, y)
                .is_some_and(|p| p.red() < 100 && p.green() < 100)
        })
        .count();
    assert!(dark > 300, "{dark} dark pixels in the legend's text");
    // A chart whose figures are unknown still answers, in words.
    // (the O2's output impedance is not in the catalog: no deviation can be drawn)
    let (status, _, body) = get(&format!("/api/v1/plot/deviation.svg?{q}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8(body).unwrap().contains("not known"));
    // The page shows each chart twice (wide, and narrow for phones) with both links.
    let html = page_text(&format!("/?{q}")).await;
    assert!(html.contains("<div class=\"narrow\"><img src=\"/api/v1/plot/impedance.svg?"));
    // The narrow drawing phones fetch: 400 px wide with its legend row, text as large.
    let (status, _, body) = get(&format!("/api/v1/plot/impedance.svg?{q}&width=400")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        String::from_utf8(body)
            .unwrap()
            .starts_with("<svg width=\"400\" height=\"330\"")
    );
    let (status, _, _) = get(&format!("/api/v1/plot/impedance.svg?{q}&width=90")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("impedance.png?"));
}

#[tokio::test]
async fn a_missing_power_rating_settles_the_damage_answer() {
    // The HD600 states no maximum input power: damage is unknown and the entry offers it.
    let base = "/?amp=nwavguy-objective2-o2&load=sennheiser-hd600";
    let html = page_text(base).await;
    assert!(html.contains("name=\"load_max_mw\" type=\"number\" step=\"any\" inputmode"));
    // The O2's 7.24 V into 300 Ω is 7.24²/300 = 174.7 mW: within 1000 mW, over 100 mW.
    let html = page_text(&format!("{base}&load_max_mw=1000")).await;
    assert!(html.contains("full output delivers 175 mW, within the load&#39;s 1000 mW"));
    let html = page_text(&format!("{base}&load_max_mw=100")).await;
    assert!(html.contains("<th>Damage</th><td class=\"s caution\">"));
    // A speaker's rating offered for a headphone names the right field.
    let html = page_text(&format!("{base}&load_rms_w=50")).await;
    assert!(html.contains("load_rms_w: that rating is for a loudspeaker"));
}

/// A multipart body: text fields, then a file field.
fn multipart(boundary: &str, fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> Vec<u8> {
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    if let Some((name, bytes)) = file {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    body
}

async fn upload(state: AppState, body: Vec<u8>, boundary: &str) -> (StatusCode, String) {
    post_form(state, "/track", body, boundary).await
}

/// POSTs a multipart body; the status and where it sends the browser.
async fn post_form(
    state: AppState,
    path: &str,
    body: Vec<u8>,
    boundary: &str,
) -> (StatusCode, String) {
    let req = Request::post(path)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    let resp = router(state).oneshot(req).await.unwrap();
    let location = resp
        .headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (resp.status(), location)
}

#[tokio::test]
async fn a_track_file_is_measured_and_its_levels_fill_the_page() {
    // ffmpeg writes 10 s of a stereo 1 kHz sine at amplitude 0.1 (−20 dBFS peak): by EBU
    // Tech 3341 such a sine reads −20.0 LUFS, and its true peak is −20.0 dBTP.
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("sine.wav");
    let st = std::process::Command::new("ffmpeg")
        .args(["-loglevel", "error", "-f", "lavfi", "-i"])
        .arg("aevalsrc=0.1*sin(2*PI*1000*t)|0.1*sin(2*PI*1000*t):s=48000:d=10")
        .arg(&wav)
        .status()
        .expect("ffmpeg (scripts/test installs it)");
    assert!(st.success());
    let bytes = std::fs::read(&wav).unwrap();
    let b = "ampmatchBoundary7";
    let query = "amp=nwavguy-objective2-o2&load=sennheiser-hd600&target=100";
    let state = AppState::with_decoding(ampmatch_audio::Isolation::InProcess);
    let body = multipart(
        b,
        &[("query", query), ("level", "85")],
        Some(("sine.wav", &bytes)),
    );
    let (status, location) = upload(state, body, b).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let pairs: Vec<(String, String)> =
        form_urlencoded::parse(location.trim_start_matches("/?").as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    let lufs: f64 = get("track_lufs").unwrap().parse().unwrap();
    let dbtp: f64 = get("track_dbtp").unwrap().parse().unwrap();
    assert!((lufs + 20.0).abs() <= 0.1, "{lufs} LUFS");
    assert!((dbtp + 20.0).abs() <= 0.2, "{dbtp} dBTP");
    assert_eq!(get("level").as_deref(), Some("85"));
    // The pair is kept, the old target dropped (a track sets it).
    assert_eq!(get("amp").as_deref(), Some("nwavguy-objective2-o2"));
    assert_eq!(get("target"), None);
    // The page it leads to: target 85 + (−20 − (−20)) = 85 dB SPL peak.
    let html = page_text(&location).await;
    let at = html.find("· target ").expect("the target line") + "· target ".len();
    let target: f64 = html[at..].split(' ').next().unwrap().parse().unwrap();
    assert!((target - 85.0).abs() <= 0.3, "target {target}");

    // Not audio: the page comes back with why, naming the file.
    let state = AppState::with_decoding(ampmatch_audio::Isolation::InProcess);
    let body = multipart(
        b,
        &[("query", query), ("level", "85")],
        Some(("notes.txt", b"hello")),
    );
    let (status, location) = upload(state, body, b).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let html = page_text(&location).await;
    assert!(html.contains("Track: notes.txt: "), "{location}");
    // A server started without decoders says so instead of measuring in its own process.
    let body = multipart(
        b,
        &[("query", query), ("level", "85")],
        Some(("sine.wav", &bytes)),
    );
    let (_, location) = upload(AppState::new(), body, b).await;
    assert!(
        location.contains("track_error=this+server+measures+no+tracks"),
        "{location}"
    );
    // No file at all: a 400 naming the field.
    let (status, _) = upload(AppState::new(), multipart(b, &[("query", query)], None), b).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_uploaded_impedance_curve_settles_the_response_answer() {
    // The HD600 has no curve in the catalog: with the O2's output impedance entered as
    // 10 Ω the response is still unknown, and the page offers a curve upload.
    let query = "amp=nwavguy-objective2-o2&load=sennheiser-hd600&amp_zout=10";
    let html = page_text(&format!("/?{query}")).await;
    assert!(
        html.contains("id=\"curve-upload\""),
        "a curve upload is offered"
    );
    // A curve of 600 Ω at 20 Hz falling (log–log) to 300 Ω at 100 Hz and flat above. Behind
    // 10 Ω the level follows Z/(Z + 10): 20·log10(600/610) − 20·log10(300/310) = +0.141 dB
    // at 20 Hz against 1 kHz, the largest bend.
    let zma = b"20 600 0\n100 300 0\n1000 300 0\n20000 300 0\n";
    let b = "ampmatchBoundary9";
    let body = multipart(b, &[("query", query)], Some(("hd600.zma", zma)));
    let (status, location) = post_form(AppState::new(), "/curve", body, b).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.contains("load_curve=20.0%3A600+"), "{location}");
    let html = page_text(&location).await;
    assert!(html.contains("by 0.14 dB across 20 Hz–20 kHz"), "the bend");
    assert!(html.contains("Your figure, used: impedance curve 60 points"));
    // A file that is not a curve comes back with why, naming the file.
    let body = multipart(
        b,
        &[("query", query)],
        Some(("notes.zma", b"hello there\n")),
    );
    let (_, location) = post_form(AppState::new(), "/curve", body, b).await;
    let html = page_text(&location).await;
    assert!(html.contains("Impedance curve: notes.zma"), "{location}");
}
