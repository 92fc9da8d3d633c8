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
    os.makedirs(os.path.dirname(path), exist_ok=True)
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

SPLIT_OUTPUT = re.compile(r"^(.*) \((headphone out|IEM out)\)$")


def import_headphones(curves):
    rows = list(csv.DictReader(open(os.path.join(SHARED, "headphones.csv"), encoding="utf-8")))
    seen = {}
    for r in rows:
        name = f"{r['brand']} {r['model']}"
        ident = slug(name)
        if ident in seen:
            raise SystemExit(f"duplicate headphone id {ident}: {seen[ident]} / {name}")
        seen[ident] = name
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
        lines.append(f"source = {q(r['source'] + ' (seed catalog headphones.csv)')}")
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
            if kind == "unspecified":
                lines.append('note = "the sources did not say which output (single-ended or balanced) these figures are for"')
            for r, _ in recs:
                lines += ["", "[[outputs.sources]]", f"source = {q(r['source'])}", f"confidence = {q(r['confidence'])}"]
                if r["conditions"]:
                    lines.append(f"conditions = {q(r['conditions'])}")
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
                cl = CURRENT_LIMITS_MA.get((brand, model, out_name))
                if cl and r is recs[0][0]:
                    lines.append(f"max_current_ma = {round(cl[0], 3)}")
                    lines.append(f"max_current_note = {q(cl[1])}")
                if r["loads_ohm_mw"]:
                    pts = []
                    for pair in r["loads_ohm_mw"].split():
                        z, p = pair.split(":")
                        pts.append(f"{{ load_ohm = {num(z)}, power_mw = {num(p)} }}")
                    lines.append("power = [" + ", ".join(pts) + "]")
        write(os.path.join(OUT, "amplifiers", ident + ".toml"), "\n".join(lines) + "\n")


def main():
    for sub in ("headphones", "amplifiers", "curves"):
        shutil.rmtree(os.path.join(OUT, sub), ignore_errors=True)
    os.makedirs(os.path.join(OUT, "curves"))
    shutil.copy(os.path.join(SHARED, "impedance", "beyerdynamic_dt1990-pro.zma"), os.path.join(OUT, "curves"))
    curves = {"beyerdynamic-dt1990-pro": ("beyerdynamic_dt1990-pro.zma",
                                          "Sha1rholder/Sound-Library data/dt1990 impedance.csv (magnitude only)")}
    taken = import_headphones(curves)
    import_amplifiers(taken)


if __name__ == "__main__":
    main()
