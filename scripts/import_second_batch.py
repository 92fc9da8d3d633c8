#!/usr/bin/env python3
"""Second batch of ../shared/data into data/ (idempotent; run from the repository root).

So far: headphone_impedance_points.csv (rows with two or more stated points become a sparse
[impedance_curve]; a row with only the 1 kHz value is that impedance, not a curve),
headphone_power_handling.csv (max_input_power_mw), the new rows of speakers.csv, and
speaker_ratings.csv (power ratings, minimum impedance, and the corrections it states for
existing rows). A row is matched to a catalog file by
its exact id (slug of brand and model) or by the "catalog row: Brand,Model" its source
names; anything else is listed as unmatched, never guessed.
"""
import csv, os, re, sys

SHARED = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")
DATA = os.path.join(os.path.dirname(__file__), "..", "data", "headphones")
SPEAKERS = os.path.join(os.path.dirname(__file__), "..", "data", "speakers")


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


def num(s):
    x = float(s)
    return repr(int(x)) if x == int(x) else repr(x)


def set_key(text, key, value, why=None):
    """Sets a top-level key (replacing it, or inserting it before the first table)."""
    line = f"{key} = {value}\n"
    if why:
        line = f"# {why}\n" + line
    m = re.search(rf"^{re.escape(key)} = .*\n", text, re.M)
    if m:
        return text[: m.start()] + line + text[m.end():]
    cut = text.find("\n[")
    return text + line if cut < 0 else text[: cut + 1] + line + text[cut + 1:]


def import_speakers():
    made = 0
    for r in csv.DictReader(open(os.path.join(SHARED, "speakers.csv"), encoding="utf-8")):
        ident = slug(f"{r['brand']} {r['model']}")
        path = os.path.join(SPEAKERS, ident + ".toml")
        if os.path.exists(path) or os.path.exists(os.path.join(SPEAKERS, ident + "-speaker.toml")):
            continue
        lines = ['type = "speaker"', f"id = {q(ident)}", f"brand = {q(r['brand'])}", f"model = {q(r['model'])}",
                 f"shape = {q(r['shape'])}"]
        if r["impedance_ohm"]:
            lines.append(f"impedance_ohm = {num(r['impedance_ohm'])}")
        if r["sensitivity_db"]:
            lines.append(f"sensitivity_db = {num(r['sensitivity_db'])}")
            lines.append(f"sensitivity_ref = {q(r['sensitivity_ref'] or 'unknown')}")
        if r["spl_max_db"]:
            lines.append(f"spl_max_db = {num(r['spl_max_db'])}")
        lines.append('confidence = "medium"')
        lines.append(f"source = {q(r['source'] + ' (shared/data speakers.csv, second batch)')}")
        atomic_write(path, "\n".join(lines) + "\n")
        made += 1
    return made


def import_speaker_ratings(unmatched):
    done = 0
    for r in csv.DictReader(open(os.path.join(SHARED, "speaker_ratings.csv"), encoding="utf-8")):
        path = os.path.join(SPEAKERS, slug(f"{r['brand']} {r['model']}") + ".toml")
        if not os.path.exists(path):
            unmatched.append(f"speaker ratings: {r['brand']},{r['model']}")
            continue
        text = open(path, encoding="utf-8").read()
        if "speaker_ratings.csv" in text:
            continue
        src = r["source"]
        existing = src.startswith("EXISTING")
        if r["nominal_impedance_ohm"]:
            had = re.search(r"^impedance_ohm = (.*)$", text, re.M)
            if not had or float(had.group(1)) != float(r["nominal_impedance_ohm"]):
                why = "nominal impedance from speaker_ratings.csv" + (f" (corrects {had.group(1)} Ω)" if had else "")
                text = set_key(text, "impedance_ohm", num(r["nominal_impedance_ohm"]), why)
        if r["min_impedance_ohm"]:
            at = f" at {r['min_impedance_hz']} Hz" if r["min_impedance_hz"] else ""
            text = set_key(text, "min_impedance_ohm", num(r["min_impedance_ohm"]), f"stated minimum{at}, speaker_ratings.csv")
        if r["sensitivity_db"]:
            had = re.search(r"^sensitivity_db = (.*)$", text, re.M)
            if not had or float(had.group(1)) != float(r["sensitivity_db"]):
                why = "sensitivity from speaker_ratings.csv" + (f" (corrects {had.group(1)})" if had else "")
                text = set_key(text, "sensitivity_db", num(r["sensitivity_db"]), why)
                text = set_key(text, "sensitivity_ref", q(r["sensitivity_ref"] or "unknown"))
        elif existing and re.search(r"^sensitivity_ref = ", text, re.M) is None and re.search(r"^sensitivity_db", text, re.M):
            pass
        m = re.search(r"^source = \"(.*)\"$", text, re.M)
        if m:
            text = text[: m.start()] + f"source = {q(m.group(1).encode().decode('unicode_escape') if False else m.group(1))}"[:0] + text[m.start():]
        rec = [r["recommended_amp_w_min"], r["recommended_amp_w_max"]]
        if any(rec):
            text = text.rstrip("\n") + f"\n# maker's recommended amplifier power: {rec[0] or '?'}–{rec[1] or '?'} W (speaker_ratings.csv)\n"
        ph = [(k, r[c]) for k, c in (("continuous_w", "power_continuous_w"), ("program_w", "power_program_w"), ("peak_w", "power_peak_w")) if r[c]]
        if ph and "[power_handling]" not in text:
            text = text.rstrip("\n") + "\n\n# power ratings: " + src.replace("\n", " ") + " (shared/data speaker_ratings.csv)\n[power_handling]\n" + "".join(f"{k} = {num(v)}\n" for k, v in ph)
        else:
            text = text.rstrip("\n") + "\n# ratings source: " + src.replace("\n", " ") + " (shared/data speaker_ratings.csv)\n"
        atomic_write(path, text)
        done += 1
    return done


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
    speakers = import_speakers()
    ratings = import_speaker_ratings(unmatched)
    print(f"sparse curves added: {curves}; single-point rows (not curves): {single}; max input power added: {power}")
    print(f"speakers added: {speakers}; speaker ratings applied: {ratings}")
    for u in unmatched:
        print("unmatched (not guessed):", u)


if __name__ == "__main__":
    sys.exit(main())
