//! One full check, as `ampmatch check` does it: resolve two names in the built-in catalog,
//! parse and validate both device files (one with a 500-point measured curve), fit the
//! amplifier's limits and analyse over 20 Hz–20 kHz at 1/48 octave.

use ampmatch_catalog::{Catalog, Device, DeviceKind};
use ampmatch_core::analysis::{Settings, Target, analyze};
use criterion::{Criterion, black_box, criterion_group, criterion_main};

fn full_check(c: &mut Criterion) {
    let catalog = Catalog::builtin();
    let settings = Settings::default();
    c.bench_function(
        "check O2 x DT1990 Pro (resolve + parse + fit + curve)",
        |b| {
            b.iter(|| {
                let Ok(Device::Amplifier(amp)) =
                    catalog.resolve(black_box("Objective2"), DeviceKind::Amplifier)
                else {
                    unreachable!()
                };
                let Ok(Device::Load(load)) =
                    catalog.resolve(black_box("Beyerdynamic DT1990 Pro"), DeviceKind::Load)
                else {
                    unreachable!()
                };
                let out = amp.amplifier.select_output(None, false).unwrap();
                analyze(
                    &amp.amplifier.name,
                    &out,
                    &load.load,
                    Target::default(),
                    &settings,
                )
            })
        },
    );
    let Ok(Device::Amplifier(amp)) = catalog.resolve("chord-mojo", DeviceKind::Amplifier) else {
        unreachable!()
    };
    let Ok(Device::Load(load)) = catalog.resolve("beyerdynamic-dt1990-pro", DeviceKind::Load)
    else {
        unreachable!()
    };
    let out = amp.amplifier.select_output(None, false).unwrap();
    c.bench_function("analyze only (Mojo x DT1990 Pro, measured curve)", |b| {
        b.iter(|| {
            analyze(
                black_box(&amp.amplifier.name),
                &out,
                &load.load,
                Target::default(),
                &settings,
            )
        })
    });
    c.bench_function("fuzzy resolve \"Objective2\"", |b| {
        b.iter(|| {
            catalog
                .resolve_entry(black_box("Objective2"), DeviceKind::Amplifier)
                .unwrap()
        })
    });
}

criterion_group!(benches, full_check);
criterion_main!(benches);
