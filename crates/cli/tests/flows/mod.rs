//! Every flow of the page (issue 15) in headless Chromium at desktop and phone sizes: one
//! pair, a comparison whose second pair has another verdict, my own amplifier typed into
//! the form, a speaker at a seat, the explain and rank views, a link with `fbclid`, an
//! unknown answer settled inline, a track file measured on the server, a typed-in track.
//! Each page is checked with axe-core's WCAG 2.1 A/AA and best-practice rules (zero
//! violations), the verdict must be on screen after the check, chart text must be readable
//! at that width, and a screenshot of each is written to target/e2e/{desktop,phone}-FLOW.png.

use super::*;

/// axe-core's script: AXE_CORE_JS, or where scripts/test installs it.
fn axe_source() -> String {
    let path = std::env::var("AXE_CORE_JS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../target/e2e-tools/node_modules/axe-core/axe.min.js")
        });
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core is needed at {} ({e}): scripts/test installs it (npm install --prefix target/e2e-tools axe-core)",
            path.display()
        )
    })
}

impl Driver {
    /// axe-core's violations on the current page ("rule × nodes: first node").
    fn axe(&self, source: &str) -> Vec<String> {
        let loaded = self.js(&format!("{source}\n;return typeof axe;"), json!([]));
        assert_eq!(loaded, "object", "axe-core did not load");
        let v = self.call(
            "POST",
            "/execute/async",
            Some(json!({ "script": "const done = arguments[arguments.length - 1];
                axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice'] } })
                  .then(r => done(r.violations.map(v => v.id + ' × ' + v.nodes.length + ': ' + v.nodes[0].target.join(' '))))
                  .catch(e => done(['axe failed: ' + e]));", "args": [] })),
        );
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_string())
            .collect()
    }

    /// The verdict banner's top is in the upper half of the screen (scrolled into view and
    /// focused after a check, so a phone user sees what tapping Check did).
    fn assert_verdict_in_view(&self, what: &str) {
        let v = self.js(
            "const r = document.getElementById('result').getBoundingClientRect();
             return [r.top, innerHeight, document.activeElement && document.activeElement.id];",
            json!([]),
        );
        let (top, height) = (v[0].as_f64().unwrap(), v[1].as_f64().unwrap());
        assert!(
            top >= -1.0 && top < height / 2.0,
            "{what}: verdict at {top} of {height}"
        );
        assert_eq!(v[2], "result", "{what}: focus on the result");
    }

    /// The smallest chart text as shown on screen, px: font size × the drawing's scale, over
    /// the inline drawings and the drawings fetched as images (a phone's narrow charts).
    fn smallest_chart_text_px(&self) -> f64 {
        let v = self.call(
            "POST",
            "/execute/async",
            Some(json!({ "script": "const done = arguments[arguments.length - 1];
                const smallest = (svg, shown) => {
                  const scale = shown / svg.viewBox.baseVal.width;
                  let min = 1e9;
                  for (const t of svg.querySelectorAll('text')) {
                    min = Math.min(min, parseFloat(t.getAttribute('font-size')) * scale);
                  }
                  return min;
                };
                let min = 1e9;
                for (const svg of document.querySelectorAll('figure svg')) {
                  const w = svg.getBoundingClientRect().width;
                  if (w > 0) min = Math.min(min, smallest(svg, w));  // 0: not shown here
                }
                const imgs = [...document.querySelectorAll('figure img')].filter(i => i.getBoundingClientRect().width > 0);
                Promise.all(imgs.map(i => fetch(i.src).then(r => r.text()).then(t => {
                  const svg = new DOMParser().parseFromString(t, 'image/svg+xml').documentElement;
                  return smallest(svg, i.getBoundingClientRect().width);
                }))).then(all => done(Math.min(min, ...all)));", "args": [] })),
        );
        v.as_f64().unwrap()
    }
}

/// Opens `url`, runs `check`, then axe and a screenshot named SCREEN-NAME.
fn flow(d: &Driver, screen: Screen, axe: &str, name: &str, url: &str, check: impl Fn(&Driver)) {
    d.go(url);
    check(d);
    let violations = d.axe(axe);
    assert!(
        violations.is_empty(),
        "{} {name}: {violations:?}",
        screen.name()
    );
    d.screenshot(&format!("{}-{name}", screen.name()));
}

#[test]
fn every_flow_at_desktop_and_phone_sizes() {
    let (_server, base) = start_server();
    let (_driver, wd) = start_chromedriver();
    let axe = axe_source();
    let audio = tempfile::tempdir().unwrap();
    let sine = audio.path().join("sine.wav");
    let made = Command::new("ffmpeg")
        .args(["-loglevel", "error", "-f", "lavfi", "-i"])
        .arg("aevalsrc=0.1*sin(2*PI*1000*t)|0.1*sin(2*PI*1000*t):s=48000:d=10")
        .arg(&sine)
        .status()
        .expect("ffmpeg (scripts/test installs it)");
    assert!(made.success());
    for screen in [Screen::Desktop, Screen::Phone] {
        let profile = tempfile::tempdir().unwrap();
        let d = session(&wd, screen, profile.path());
        let pair = "amp=nwavguy-objective2-o2&load=sennheiser-hd600";

        flow(&d, screen, &axe, "pair", &format!("{base}/?{pair}"), |d| {
            assert_eq!(d.text("#verdict").to_lowercase(), "good");
            d.assert_verdict_in_view("pair");
            // The narrow charts on a phone, the wide ones on a desktop: never under 10 px.
            let px = d.smallest_chart_text_px();
            // (Under 40 px too: a reading that found no text would be infinite.)
            assert!(
                (10.0..40.0).contains(&px),
                "{}: chart text {px:.1} px",
                screen.name()
            );
        });

        // Two amplifiers: the O2 is good into the HD600, the Bryston 4B's full output is
        // unsafe for it — each pair has its own banner.
        let compare =
            format!("{base}/?amp=nwavguy-objective2-o2&amp=bryston-4b&load=sennheiser-hd600");
        flow(&d, screen, &axe, "compare", &compare, |d| {
            let classes = d.js(
                "return [...document.querySelectorAll('.pairs .verdict.mini')].map(e => e.className)",
                json!([]),
            );
            let classes: Vec<&str> = classes
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap())
                .collect();
            assert_eq!(classes.len(), 2, "{classes:?}");
            assert!(
                classes[0].contains("good") && classes[1].contains("unsafe"),
                "{classes:?}"
            );
            d.assert_verdict_in_view("compare");
        });

        // My own amplifier through the form: 500 mW @ 32 Ω is √(0.5 × 32) = 4 V, held into
        // 300 Ω: 97 dB/V + 20·log10(4) = 109.04 dB SPL.
        flow(&d, screen, &axe, "custom", &format!("{base}/"), |d| {
            d.click("details.custom summary");
            d.type_into("#amp_power", "500");
            d.type_into("#amp_ohm", "32");
            d.type_into("input[name=load]", "Sennheiser HD600");
            d.click("form#check > button[type=submit]");
            assert!(!d.text("#verdict").is_empty());
            wait_until("the check", Duration::from_secs(20), || {
                d.url().contains("amp_ohm=32").then_some(())
            });
            assert!(d.text("#numbers").contains("109 dB SPL"));
            assert!(!d.url().contains("custom"), "no magic word in the link");
            d.assert_verdict_in_view("custom");
        });

        // A speaker at 3 m, two speakers, +3 dB room: −20·log10(3) + 10·log10(2) + 3 =
        // −3.53 dB from 1 m.
        let speaker = format!("{base}/?amp=bryston-4b&load=kef-ls50-meta&distance=3");
        flow(&d, screen, &axe, "speaker", &speaker, |d| {
            assert!(d.text("#numbers").contains("(-3.5 dB from 1 m)"));
            d.assert_verdict_in_view("speaker");
        });

        flow(
            &d,
            screen,
            &axe,
            "rank",
            &format!("{base}/rank?load=sennheiser-hd600"),
            |d| {
                let rows = d.js(
                    "return document.querySelectorAll('#rank tbody tr').length",
                    json!([]),
                );
                assert!(rows.as_u64().unwrap() >= 20, "{rows}");
            },
        );

        flow(
            &d,
            screen,
            &axe,
            "explain",
            &format!("{base}/explain"),
            |d| {
                let px = d.smallest_chart_text_px();
                assert!(
                    (10.0..40.0).contains(&px),
                    "{}: explain chart text {px:.1} px",
                    screen.name()
                );
            },
        );

        let tracked = format!("{base}/?{pair}&fbclid=IwAR0abc&utm_source=share");
        flow(&d, screen, &axe, "fbclid", &tracked, |d| {
            assert_eq!(d.text("#verdict").to_lowercase(), "good");
            assert!(d.find("#error").is_none());
        });

        // The Bryston B135³ has no power rating in the catalog: entered inline, 135 W into
        // 8 Ω is √(135 × 8) = 32.86 V, held into 300 Ω: 97 + 20·log10(32.86) = 127.3 dB.
        let inline = format!("{base}/?amp=bryston-b1353&load=sennheiser-hd600");
        flow(&d, screen, &axe, "inline", &inline, |d| {
            d.type_into("#fill input[name=amp_power]", "135");
            d.js(
                "document.querySelector('#fill select[name=amp_power_unit]').value = 'W'",
                json!([]),
            );
            d.type_into("#fill input[name=amp_ohm]", "8");
            d.click("#fill button[type=submit]");
            wait_until("the entry", Duration::from_secs(20), || {
                d.url().contains("amp_ohm=8").then_some(())
            });
            assert!(d.text("#numbers").contains("127 dB SPL"));
            assert!(d.text("#filled").contains("Your figure, used"));
            assert!(
                !d.url().contains("amp_noise="),
                "empty boxes stay out of the link"
            );
        });

        // A track file picked on the page and measured on the server: ffmpeg's stereo 1 kHz
        // sine at amplitude 0.1 reads −20.0 LUFS and −20.0 dBTP (EBU Tech 3341).
        flow(
            &d,
            screen,
            &axe,
            "upload",
            &format!("{base}/?{pair}"),
            |d| {
                // Opened by script: on a phone the page sits scrolled at the verdict, and a
                // tap far above it is the browser's business, not this test's.
                d.js(
                    "document.querySelector('details.track-file').open = true",
                    json!([]),
                );
                d.type_into("#track-upload input[name=file]", sine.to_str().unwrap());
                d.type_into("#track-upload input[name=level]", "85");
                d.click("#track-upload button[type=submit]");
                wait_until("the measurement", Duration::from_secs(60), || {
                    d.url().contains("track_lufs=").then_some(())
                });
                let url = d.url();
                assert!(
                    url.contains("track_lufs=-20.0") || url.contains("track_lufs=-19.9"),
                    "{url}"
                );
                d.assert_verdict_in_view("upload");
            },
        );

        // −14 LUFS and +0.5 dBTP played at 85 dB: a 85 + 0.5 + 14 = 99.5 dB peak target.
        let track = format!("{base}/?{pair}&track_lufs=-14&track_dbtp=0.5&level=85");
        flow(&d, screen, &axe, "track", &track, |d| {
            assert!(d.text("#numbers").contains("99.5 dB SPL peak"));
            d.assert_verdict_in_view("track");
        });
        d.quit();
    }
}
