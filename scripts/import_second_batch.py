#!/usr/bin/env python3
"""Second batch of ../shared/data into data/ (idempotent; run from the repository root).

So far: headphone_impedance_points.csv (rows with two or more stated points become a sparse
[impedance_curve]; a row with only the 1 kHz value is that impedance, not a curve),
headphone_power_handling.csv (max_input_power_mw), the new rows of speakers.csv, and
speaker_ratings.csv (power ratings, minimum impedance, and the corrections it states for
existing rows), headphone_impedance_range.csv (stated extremes, applied by hand once:
min_impedance_ohm/max_impedance_ohm) and the second batch's amplifier and headphone rows.
Rows become device-file lines through the seed import's own functions. A row is matched to
a catalog file by its exact id (slug of brand and model) or by the "catalog row:
Brand,Model" its source names; anything else is listed as unmatched, never guessed.
"""
import csv, os, re, sys

sys.path.insert(0, os.path.dirname(__file__))
# The same row → device-file lines as the seed import, so both batches read alike.
from import_seed_data import SPLIT_OUTPUT, headphone_lines, num, q, slug, source_lines, speaker_lines  # noqa: E402

SHARED = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")
DATA = os.path.join(os.path.dirname(__file__), "..", "data", "headphones")
SPEAKERS = os.path.join(os.path.dirname(__file__), "..", "data", "speakers")


def find(brand, model, source):
    named = [f"{b.strip()} {m.strip()}" for b, m in re.findall(r"catalog row: ([^,;]+),([^;)\"]+)", source)]
    for name in [f"{brand} {model}"] + named:
        path = os.path.join(DATA, slug(name) + ".toml")
        if os.path.exists(path):
            return path
    # A deliberate rule, not a guess: a model whose only record is its "(measured)" row
    # (the same measurement family) gets the points there.
    path = os.path.join(DATA, slug(f"{brand} {model}") + "-measured.toml")
    return path if os.path.exists(path) else None


def atomic_write(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


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
        lines = speaker_lines(r, " (shared/data speakers.csv, second batch)")
        lines.insert(1, f"id = {q(ident)}")
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
        # The ratings' source joins the device's, so reports name it.
        m = re.search(r"^source = \"(.*)\"$", text, re.M)
        if m:
            extra = q(" ; ratings: " + src.replace("\n", " ") + " (shared/data speaker_ratings.csv)")[1:-1]
            text = text[: m.start()] + f'source = "{m.group(1)}{extra}"' + text[m.end():]
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


AMPS = os.path.join(os.path.dirname(__file__), "..", "data", "amplifiers")
HEADPHONES = DATA


def import_headphones():
    """New rows of headphones.csv (by id), as the seed import writes them."""
    made = 0
    for r in csv.DictReader(open(os.path.join(SHARED, "headphones.csv"), encoding="utf-8")):
        ident = slug(f"{r['brand']} {r['model']}")
        path = os.path.join(HEADPHONES, ident + ".toml")
        if os.path.exists(path):
            continue
        lines = headphone_lines(r, " (shared/data headphones.csv, second batch)")
        lines.insert(1, f"id = {q(ident)}")
        atomic_write(path, "\n".join(lines) + "\n")
        made += 1
    return made


def source_block(r):
    """One [[outputs.sources]] table for a row, as the seed import writes it, bounds said."""
    return "\n".join(source_lines(r, bounds=True)) + "\n"


def gain_mode_of(r):
    """A gain-switch setting: a row whose conditions start "gain=…" and give no power."""
    m = re.match(r"gain=([-\d.]+) ?dB", r["conditions"])
    if m and r["gain_db"] and not r["loads_ohm_mw"]:
        return (f"{num(r['gain_db'])} dB", r["gain_db"])
    return None


def output_span(text, name):
    """(start, end) of the [[outputs]] table named `name` with its sources, or None."""
    for m in re.finditer(r"^\[\[outputs\]\]\nname = \"(.*)\"\n", text, re.M):
        if m.group(1) == name:
            nxt = text.find("\n[[outputs]]\n", m.end())
            return m.start(), (len(text) if nxt < 0 else nxt + 1)
    return None


def import_amplifiers():
    """Rows of amplifiers.csv whose source no catalog file names yet: merged into the
    device's file (a new output, or new sources on an existing one), gain-switch rows as
    gain_modes, a BTL note as bridged = true."""
    existing = "\n".join(open(os.path.join(AMPS, f), encoding="utf-8").read() for f in os.listdir(AMPS))
    groups = {}
    for r in csv.DictReader(open(os.path.join(SHARED, "amplifiers.csv"), encoding="utf-8")):
        if q(r["source"])[1:-1] in existing:
            continue
        model, output = r["model"], r["output"] or "unspecified"
        m = SPLIT_OUTPUT.match(model)
        if m:
            model, output = m.group(1), ("headphone" if m.group(2) == "headphone out" else "iem")
        kind = r["output"] if output not in ("headphone", "iem") else "single-ended"
        groups.setdefault((r["brand"], model), {"rows": [], "kind": r["kind"], "class": r["class"]})["rows"].append((output, kind or "unspecified", r))
    written = 0
    for (brand, model), g in groups.items():
        path = os.path.join(AMPS, slug(f"{brand} {model}") + ".toml")
        if os.path.exists(path):
            text = open(path, encoding="utf-8").read()
        else:
            text = "\n".join(['type = "amplifier"', f"id = {q(slug(brand + ' ' + model))}", f"brand = {q(brand)}",
                              f"model = {q(model)}", f"category = {q(g['kind'])}"]
                             + ([f"class = {q(g['class'])}"] if g["class"] else [])) + "\n"
        outputs = {}
        for out, kind, r in g["rows"]:
            outputs.setdefault(out, (kind, []))[1].append(r)
        for out, (kind, rows) in outputs.items():
            modes = [gm for gm in map(gain_mode_of, rows) if gm]
            body_keys = ""
            if modes:
                # The rows' source as a comment: the file then names it, and a rerun knows
                # these rows are in.
                srcs = sorted({q(r["source"])[1:-1] for r in rows if gain_mode_of(r)})
                body_keys += "".join(f"# gain settings from: {x}\n" for x in srcs)
                body_keys += "gain_modes = [" + ", ".join(f"{{ name = {q(n)}, gain_db = {num(v)} }}" for n, v in modes) + "]\n"
            if kind == "speaker" and any("BTL" in r["conditions"] for r in rows):
                body_keys += "# the source says BTL: both speaker terminals driven\nbridged = true\n"
            blocks = "".join(source_block(r) for r in rows if not gain_mode_of(r))
            # A switch said to apply to the whole amplifier, output not stated: every output
            # of a device that already has outputs gets it.
            if out == "unspecified" and not blocks and "[[outputs]]" in text:
                names = re.findall(r"^\[\[outputs\]\]\nname = \"(.*)\"\n", text, re.M)
                for name in names:
                    start, end = output_span(text, name)
                    if "gain_modes" in text[start:end]:
                        continue
                    head_end = text.index("\n", text.index("kind = ", start)) + 1
                    text = text[:head_end] + body_keys + text[head_end:]
                continue
            span = output_span(text, out)
            if span is None:
                text = text.rstrip("\n") + f"\n\n[[outputs]]\nname = {q(out)}\nkind = {q(kind)}\n" + body_keys + blocks
            else:
                start, end = span
                head_end = text.index("\n", text.index("kind = ", start)) + 1
                section = text[start:end].rstrip("\n") + "\n" + blocks
                section = section[: head_end - start] + body_keys + section[head_end - start:]
                text = text[:start] + section + ("\n" if end < len(text) else "") + text[end:]
        atomic_write(path, text)
        written += 1
    return written


def main():
    new_headphones = import_headphones()
    amps = import_amplifiers()
    unmatched, curves, single, power = [], 0, 0, 0
    for r in csv.DictReader(open(os.path.join(SHARED, "headphone_impedance_points.csv"), encoding="utf-8")):
        pts = r["points"].split()
        if len(pts) < 2:
            # One point is that impedance, not a curve: it fills a missing nominal figure.
            single += 1
            path = find(r["brand"], r["model"], r["source"])
            if path and pts:
                text = open(path, encoding="utf-8").read()
                if not re.search(r"^impedance_ohm = ", text, re.M):
                    ohm = pts[0].split(":")[1]
                    text = set_key(text, "impedance_ohm", ohm, f"|Z| at 1 kHz: {r['source']}")
                    atomic_write(path, text)
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
    print(f"headphones added: {new_headphones}; amplifier files written: {amps}")
    for u in unmatched:
        print("unmatched (not guessed):", u)


if __name__ == "__main__":
    sys.exit(main())
