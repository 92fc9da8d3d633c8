#!/usr/bin/env python3
"""Second batch of ../shared/data into data/ (idempotent; run from the repository root).

So far: headphone_impedance_points.csv (rows with two or more stated points become a sparse
[impedance_curve]; a row with only the 1 kHz value is that impedance, not a curve) and
headphone_power_handling.csv (max_input_power_mw). A row is matched to a catalog file by
its exact id (slug of brand and model) or by the "catalog row: Brand,Model" its source
names; anything else is listed as unmatched, never guessed.
"""
import csv, os, re, sys

SHARED = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")
DATA = os.path.join(os.path.dirname(__file__), "..", "data", "headphones")


def slug(text):
    s = re.sub(r"[^a-z0-9]+", "-", text.lower().replace("+", " plus ").replace("&", " and "))
    return re.sub(r"-+", "-", s).strip("-")


def q(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def find(brand, model, source):
    named = [f"{b.strip()} {m.strip()}" for b, m in re.findall(r"catalog row: ([^,;]+),([^;)\"]+)", source)]
    for name in [f"{brand} {model}"] + named:
        path = os.path.join(DATA, slug(name) + ".toml")
        if os.path.exists(path):
            return path
    return None


def atomic_write(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    unmatched, curves, single, power = [], 0, 0, 0
    for r in csv.DictReader(open(os.path.join(SHARED, "headphone_impedance_points.csv"), encoding="utf-8")):
        pts = r["points"].split()
        if len(pts) < 2:
            single += 1
            continue
        path = find(r["brand"], r["model"], r["source"])
        if not path:
            unmatched.append(f"impedance points: {r['brand']},{r['model']}")
            continue
        text = open(path, encoding="utf-8").read()
        if "[impedance_curve]" in text:
            continue
        text = text.rstrip("\n") + "\n\n[impedance_curve]\n" + f"points = {q(' '.join(pts))}\n" + f"source = {q(r['source'] + ' (shared/data headphone_impedance_points.csv)')}\n"
        atomic_write(path, text)
        curves += 1
    for r in csv.DictReader(open(os.path.join(SHARED, "headphone_power_handling.csv"), encoding="utf-8")):
        path = find(r["brand"], r["model"], r["source"])
        if not path:
            unmatched.append(f"power handling: {r['brand']},{r['model']}")
            continue
        text = open(path, encoding="utf-8").read()
        if "max_input_power_mw" in text:
            continue
        line = f"# max_input_power_mw: {r['source']}\nmax_input_power_mw = {r['max_input_mw']}\n"
        # Top-level keys go before the first table.
        cut = text.find("\n[")
        text = text + line if cut < 0 else text[: cut + 1] + line + text[cut + 1 :]
        atomic_write(path, text)
        power += 1
    print(f"sparse curves added: {curves}; single-point rows (not curves): {single}; max input power added: {power}")
    for u in unmatched:
        print("unmatched (not guessed):", u)


if __name__ == "__main__":
    sys.exit(main())
