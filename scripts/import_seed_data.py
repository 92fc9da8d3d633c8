#!/usr/bin/env python3
"""Import the seed catalog (../shared/data) into the project's own data/ as device files.

Run from the repository root: python3 scripts/import_seed_data.py [SHARED_DATA_DIR]
It rewrites data/headphones/, data/amplifiers/ and data/curves/ wholesale. The project
never reads shared/ at run or test time; this script is how the facts got into data/.

Amplifier rows that describe the same output (same brand, model and output) become one
output with one [[outputs.sources]] table per row, so every figure keeps its source and
confidence; the loader prefers higher-confidence figures and reports conflicts.
"""
import csv
import os
import re
import shutil
import sys

SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join("..", "shared", "data")
OUT = "data"


def slug(text):
    s = text.lower().replace("&", " and ").replace("+", " plus ")
    s = re.sub(r"[^a-z0-9]+", "-", s)
    return s.strip("-")


def q(s):
    """A TOML basic string."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def num(s):
    x = float(s)
    return repr(int(x)) if x == int(x) and abs(x) < 1e15 else repr(x)


def write(path, text):
    """Writes through a temp file and a rename; a device file gets its id (the file name)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if path.endswith(".toml"):
        first, rest = text.split("\n", 1)
        text = f"{first}\nid = {q(os.path.basename(path)[:-5])}\n{rest}"
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def supply_of(text):
    t = text.lower()
    if not t:
        return None
    if "usb" in t or "bus" in t:
        return "bus-5v"
    if "battery" in t and "adapter" not in t:
        return "battery"
    return "mains"


# Figures stated only in a row's prose, lifted here by hand with the words they come from.
CURRENT_LIMITS_MA = {
    ("FiiO", "E12", "single-ended"): (170.0, "source text: '170 mA'"),
    ("RME", "ADI-2 DAC", "single-ended"): (260.0, "conditions: '~260 mA per channel current limit'"),
    # 0.5 A peak = 0.354 A rms for a sine.
    ("Chord", "Hugo 2", "single-ended"): (500.0 / 2 ** 0.5, "conditions: '0.5 A peak' (÷√2 for a sine)"),
}

# Minimum rated loads stated in a row's prose.
MIN_LOADS = {
    ("Fosi Audio", "BT20A", "speaker"): (4, "founding document: 'for 4-8 ohm speakers'"),
    ("Fosi Audio", "BT20A Pro", "speaker"): (2, "Fosi spec quoted: 'load 2-8 ohm'"),
}

SPLIT_OUTPUT = re.compile(r"^(.*) \((headphone out|IEM out)\)$")


def headphone_lines(r, origin):
    """The device-file lines of a headphones.csv row; `origin` names the CSV in `source`."""
    lines = [
        'type = "headphone"',
        f"brand = {q(r['brand'])}",
        f"model = {q(r['model'])}",
        f"form = {q(r['form'])}",
        f"driver = {q(r['driver'])}",
    ]
    if r["impedance_ohm"]:
        lines.append(f"impedance_ohm = {num(r['impedance_ohm'])}")
    if r["sensitivity_db"]:
        lines.append(f"sensitivity_db = {num(r['sensitivity_db'])}")
        lines.append(f"sensitivity_unit = {q(r['sensitivity_unit'] or 'unknown')}")
    lines.append(f"confidence = {q(r['confidence'])}")
    lines.append(f"source = {q(r['source'] + origin)}")
    return lines


def speaker_lines(r, origin):
    """The device-file lines of a speakers.csv row (maker figures: medium confidence)."""
    lines = ['type = "speaker"', f"brand = {q(r['brand'])}", f"model = {q(r['model'])}", f"shape = {q(r['shape'])}"]
    if r["impedance_ohm"]:
        lines.append(f"impedance_ohm = {num(r['impedance_ohm'])}")
    if r["sensitivity_db"]:
        lines.append(f"sensitivity_db = {num(r['sensitivity_db'])}")
        lines.append(f"sensitivity_ref = {q(r['sensitivity_ref'] or 'unknown')}")
    if r["spl_max_db"]:
        lines.append(f"spl_max_db = {num(r['spl_max_db'])}")
    lines.append('confidence = "medium"')
    lines.append(f"source = {q(r['source'] + origin)}")
    return lines


def source_lines(r, current=None, bounds=False):
    """One [[outputs.sources]] table for an amplifiers.csv row: its source, confidence,
    conditions and figures. `current` is a (mA, note) current limit to state with it;
    with `bounds`, conditions that call the figures bounds add `bound = true`."""
    lines = ["", "[[outputs.sources]]", f"source = {q(r['source'])}", f"confidence = {q(r['confidence'])}"]
    if r["conditions"]:
        lines.append(f"conditions = {q(r['conditions'])}")
        # "< 1.4 ohm (bound)", "lower bounds": the figures are bounds, said so in reports.
        if bounds and re.search(r"\(bound\)|lower bounds|bounds stored|\(bounds?\b", r["conditions"]):
            lines.append("bound = true")
    if r["output_impedance_ohm"]:
        lines.append(f"output_impedance_ohm = {num(r['output_impedance_ohm'])}")
    if r["max_voltage_vrms"]:
        lines.append(f"max_voltage_vrms = {num(r['max_voltage_vrms'])}")
    if r["gain_db"]:
        lines.append(f"gain_db = {num(r['gain_db'])}")
    if r["noise_uv"]:
        lines.append(f"noise_uv = {num(r['noise_uv'])}")
        cond = r["conditions"].lower()
        if "a-wtd" in cond or "a-weighted" in cond or "(a)" in cond:
            lines.append('noise_weighting = "A"')
        elif "unweighted" in cond:
            lines.append('noise_weighting = "unweighted"')
    if current:
        lines.append(f"max_current_ma = {round(current[0], 3)}")
        lines.append(f"max_current_note = {q(current[1])}")
    # "50 W into 4 ohm at 10% THD+N": the power figures' distortion level.
    text = (r["conditions"] + " " + r["source"]).lower()
    if re.search(r"\bat 10 ?% thd", text):
        lines.append("thd_pct = 10")
    if r["loads_ohm_mw"]:
        pts = []
        for pair in r["loads_ohm_mw"].split():
            z, p = pair.split(":")
            pts.append(f"{{ load_ohm = {num(z)}, power_mw = {num(p)} }}")
        lines.append("power = [" + ", ".join(pts) + "]")
    return lines


def import_headphones(curves):
    rows = list(csv.DictReader(open(os.path.join(SHARED, "headphones.csv"), encoding="utf-8")))
    seen = {}
    for r in rows:
        name = f"{r['brand']} {r['model']}"
        ident = slug(name)
        if ident in seen:
            raise SystemExit(f"duplicate headphone id {ident}: {seen[ident]} / {name}")
        seen[ident] = name
        lines = headphone_lines(r, " (seed catalog headphones.csv)")
        for key, (curve_file, note) in curves.items():
            if ident == key or ident == key + "-measured":
                lines += ["", "[impedance_curve]", f"file = {q('curves/' + curve_file)}", "phase_known = false",
                          f"source = {q(note)}"]
        write(os.path.join(OUT, "headphones", ident + ".toml"), "\n".join(lines) + "\n")
    return seen


def import_amplifiers(taken):
    rows = list(csv.DictReader(open(os.path.join(SHARED, "amplifiers.csv"), encoding="utf-8")))
    devices = {}
    for r in rows:
        brand, model, output = r["brand"], r["model"], r["output"] or "unspecified"
        m = SPLIT_OUTPUT.match(model)
        if m:
            model = m.group(1)
            output = "headphone" if m.group(2) == "headphone out" else "iem"
        dev = devices.setdefault((brand, model), {"kind": r["kind"], "class": r["class"], "outputs": {}})
        if r["class"] and not dev["class"]:
            dev["class"] = r["class"]
        dev["outputs"].setdefault(output, []).append((r, r["output"] or "unspecified"))
    for (brand, model), dev in devices.items():
        ident = slug(f"{brand} {model}")
        if ident in taken:
            ident += "-amp"
        taken[ident] = f"{brand} {model}"
        lines = [
            'type = "amplifier"',
            f"brand = {q(brand)}",
            f"model = {q(model)}",
            f"category = {q(dev['kind'])}",
        ]
        if dev["class"]:
            lines.append(f"class = {q(dev['class'])}")
        order = {"single-ended": 0, "headphone": 1, "iem": 2, "unspecified": 3, "balanced": 4, "speaker": 5}
        for out_name in sorted(dev["outputs"], key=lambda n: order.get(n, 9)):
            recs = dev["outputs"][out_name]
            kind = recs[0][1]
            if out_name in ("headphone", "iem"):
                kind = "single-ended"
            lines += ["", "[[outputs]]", f"name = {q(out_name)}", f"kind = {q(kind)}"]
            supplies = [r["supply"] for r, _ in recs if r["supply"]]
            if supplies:
                lines.append(f"supply = {q(supply_of(supplies[0]))}")
                lines.append(f"supply_note = {q(supplies[0])}")
            ml = MIN_LOADS.get((brand, model, out_name))
            if ml:
                lines.append(f"min_load_ohm = {ml[0]}")
                lines.append(f"note = {q('minimum rated load from ' + ml[1])}")
            if kind == "unspecified":
                lines.append('note = "the sources did not say which output (single-ended or balanced) these figures are for"')
            for r, _ in recs:
                cl = CURRENT_LIMITS_MA.get((brand, model, out_name))
                lines += source_lines(r, cl if r is recs[0][0] else None)
        write(os.path.join(OUT, "amplifiers", ident + ".toml"), "\n".join(lines) + "\n")


def ts_key(model):
    """Wavecor part number → (base, set of variant numbers): 'WF152BD13_14_15_16' →
    ('wf152bd', {13, 14, 15, 16}); 'wf152bd14-16' → ('wf152bd', {14, 15, 16})."""
    m = re.match(r"([a-z]+\d+[a-z]+)(.*)", model.lower())
    if not m:
        return None, set()
    nums = set()
    for a, b in re.findall(r"(\d+)(?:-(\d+))?", m.group(2)):
        lo = int(a)
        hi = int(b) if b else lo
        nums.update(range(lo, hi + 1))
    return m.group(1), nums


def import_drivers(taken, curve_files):
    rows = list(csv.DictReader(open(os.path.join(SHARED, "drivers.csv"), encoding="utf-8")))
    unmatched = dict(curve_files)
    used_ids = set()
    for r in rows:
        name = f"{r['brand']} {r['model']}"
        base = slug(name)
        ident = base if base not in taken else base + "-driver"
        n = 2
        while ident in taken or ident in used_ids:
            ident = f"{base}-{n}"
            n += 1
        used_ids.add(ident)
        taken[ident] = name
        lines = ['type = "driver"', f"brand = {q(r['brand'])}", f"model = {q(r['model'])}"]
        if r["type"]:
            lines.append(f"driver_type = {q(r['type'])}")
        if r["znom_ohm"]:
            lines.append(f"impedance_ohm = {num(r['znom_ohm'])}")
        if r["sensitivity_db"]:
            lines.append(f"sensitivity_db = {num(r['sensitivity_db'])}")
            lines.append(f"sensitivity_ref = {q(r['sensitivity_ref'] or 'unknown')}")
        lines.append('confidence = "low"' if "not human-verified" in r["source"] else 'confidence = "medium"')
        lines.append(f"source = {q(r['source'] + ' (seed catalog drivers.csv)')}")
        if r["suspect"]:
            lines.append(f"suspect = {q(r['suspect'])}")
        if r["unit_fixes"]:
            lines.append(f"unit_fixes = {q(r['unit_fixes'])}")
        if r["pe_w"]:
            lines += ["", "[power_handling]", f"continuous_w = {num(r['pe_w'])}"]
        ts = [(k, r[c]) for k, c in [("re_ohm", "re_ohm"), ("le_mh", "le_mh"), ("fs_hz", "fs_hz"), ("qms", "qms"),
                                      ("qes", "qes"), ("qts", "qts"), ("vas_l", "vas_l"), ("bl_tm", "bl_tm"),
                                      ("mms_g", "mms_g"), ("sd_cm2", "sd_cm2"), ("xmax_mm", "xmax_mm")] if r[c]]
        if ts:
            lines += ["", "[thiele_small]"] + [f"{k} = {num(v)}" for k, v in ts]
        if r["brand"].lower() == "wavecor":
            b, nums = ts_key(r["model"])
            for fname, (cb, cnums) in list(curve_files.items()):
                if cb == b and cnums and cnums <= nums:
                    lines += ["", "[impedance_curve]", f"file = {q('curves/' + fname)}",
                              'source = "Wavecor published impedance measurement via Johnlon/resonate"']
                    unmatched.pop(fname, None)
                    break
        write(os.path.join(OUT, "drivers", ident + ".toml"), "\n".join(lines) + "\n")
    # Curves with no T/S row: a driver known by its measured impedance alone.
    for fname, (cb, cnums) in unmatched.items():
        model = fname[len("wavecor_"):-len(".zma")].upper()
        ident = slug("Wavecor " + model)
        taken[ident] = model
        lines = ['type = "driver"', 'brand = "Wavecor"', f"model = {q(model)}", 'confidence = "high"',
                 'source = "Wavecor published impedance measurement via Johnlon/resonate; no Thiele-Small row in the seed data"',
                 "", "[impedance_curve]", f"file = {q('curves/' + fname)}",
                 'source = "Wavecor published impedance measurement via Johnlon/resonate"']
        write(os.path.join(OUT, "drivers", ident + ".toml"), "\n".join(lines) + "\n")
    return unmatched


def import_speakers(taken):
    rows = list(csv.DictReader(open(os.path.join(SHARED, "speakers.csv"), encoding="utf-8")))
    for r in rows:
        name = f"{r['brand']} {r['model']}"
        ident = slug(name)
        if ident in taken:
            ident += "-speaker"
        taken[ident] = name
        lines = speaker_lines(r, " (maker figures; seed catalog speakers.csv)")
        write(os.path.join(OUT, "speakers", ident + ".toml"), "\n".join(lines) + "\n")


def main():
    for sub in ("headphones", "amplifiers", "curves", "drivers", "speakers"):
        shutil.rmtree(os.path.join(OUT, sub), ignore_errors=True)
    os.makedirs(os.path.join(OUT, "curves"))
    shutil.copy(os.path.join(SHARED, "impedance", "beyerdynamic_dt1990-pro.zma"), os.path.join(OUT, "curves"))
    curves = {"beyerdynamic-dt1990-pro": ("beyerdynamic_dt1990-pro.zma",
                                          "Sha1rholder/Sound-Library data/dt1990 impedance.csv (magnitude only)")}
    taken = import_headphones(curves)
    import_amplifiers(taken)
    curve_files = {}
    for fname in sorted(os.listdir(os.path.join(SHARED, "impedance"))):
        if fname.startswith("wavecor_"):
            shutil.copy(os.path.join(SHARED, "impedance", fname), os.path.join(OUT, "curves"))
            curve_files[fname] = ts_key(fname[len("wavecor_"):-len(".zma")])
    unmatched = import_drivers(taken, curve_files)
    import_speakers(taken)
    print(f"curves without a T/S row: {sorted(unmatched)}")


if __name__ == "__main__":
    main()
