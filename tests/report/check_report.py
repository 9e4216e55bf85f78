#!/usr/bin/env python3
"""The browser test of report.html (issue 6): builds a few toy runs, writes their report with `thorax report`,
opens it in headless Chromium and checks the RENDERED page (Chromium's --dump-dom):

- every class of each evaluated run's label space has one row in the per-class table and one ROC figure whose
  polyline lands on eval.json's (fpr, tpr) points (or, for a class without a curve, the reason eval.json gives);
- every number the page shows from a file equals that file's value at the JSON pointer it names, as displayed
  (3 decimals, whole numbers, percentages), and no number in a metrics table comes from anywhere else;
- the calibration bins and the expected calibration error equal a recomputation from the evaluation's
  predictions.csv; the Grad-CAM gallery holds the overlay files' very bytes; missing pieces are stated;
- the page is self-contained: no script, nothing fetched (every src is a data: URI, every link an anchor).

Exit 0 when all hold, 1 listing what failed, 77 (skip) when Chromium is not installed.
Usage: check_report.py --thorax BUILD/thorax --runs CLI_RUNS --work DIR
  CLI_RUNS holds the fine-tuned run `ft` and the pretraining run `pre` of tests/apps/tests.cmake (fixtures cli_ft,
  cli_pre); DIR is emptied and receives the runs made here, report.html and the rendered DOM.
"""
import argparse
import base64
import csv
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys

import numpy as np

TITLE = 'toy <report> & "friends"'
GALLERY_LIMIT = 6
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def text(self, skip=lambda n: False):
        out = []
        for c in self.children:
            if isinstance(c, str):
                out.append(c)
            elif not skip(c):
                out.append(c.text(skip))
        return "".join(out)

    def iter(self):
        for c in self.children:
            if isinstance(c, Node):
                yield c
                yield from c.iter()

    def find_all(self, tag=None, **attrs):
        return [n for n in self.iter() if (tag is None or n.tag == tag) and
                all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def ancestor_attr(self, name):
        n = self
        while n is not None:
            if name in n.attrs:
                return n.attrs[name]
            n = n.parent
        return None


class TreeBuilder(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, attrs, self.cur))

    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        if n is not None and n.parent is not None:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.children.append(data)


class Checker:
    def __init__(self):
        self.failures, self.counts = [], {}

    def check(self, ok, message):
        if not ok:
            self.failures.append(message)
        return ok

    def count(self, what, n=1):
        self.counts[what] = self.counts.get(what, 0) + n


def run(cmd, **kw):
    print("+ " + " ".join(cmd), flush=True)
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"command failed (exit {r.returncode}): {' '.join(cmd)}\n{r.stdout}")
    return r.stdout


def link_or_copy(src, dst):
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def spec_param(spec, key):
    query = spec.split("?", 1)[1] if "?" in spec else ""
    for part in query.split("&"):
        if part.startswith(key + "="):
            return part[len(key) + 1:]
    return None


def make_runs(thorax, cli_runs, work):
    """ft (a copy of the lead's fine-tuned run), scratch (1 epoch on the same split), both evaluated and compared;
    Grad-CAM for ft. The pretraining run is used where it is: the report only reads it."""
    ft, scratch = os.path.join(work, "ft"), os.path.join(work, "scratch")
    os.makedirs(ft)
    for f in ("config.json", "split.json", "metrics.jsonl", "checkpoint-best.safetensors", "predictions.csv"):
        link_or_copy(os.path.join(cli_runs, "ft", f), os.path.join(ft, f))
    config = json.load(open(os.path.join(ft, "config.json")))["config"]
    run([thorax, "train", "--data", config["data"], "--res", str(config["resolution"]), "--batch",
         str(config["batch_size"]), "--threads", "2", "--epochs", "1", "--split-file", os.path.join(ft, "split.json"),
         "--label-fraction", "0.5", "--out", scratch])
    for r in (ft, scratch):
        run([thorax, "eval", "--run", r, "--resamples", "100", "--min-subgroup", "5"])
    compare = os.path.join(work, "compare.json")
    run([thorax, "compare", "--runs", ft, scratch, "--resamples", "100", "--json", compare])
    cache = spec_param(config["data"], "cache")
    phantoms = [os.path.join(cache, d) for d in sorted(os.listdir(cache))]
    run([thorax, "explain", "--run", ft, "--split", "test", "--limit", "3", "--boxes",
         os.path.join(phantoms[0], "BBox_List_2017.csv"), "--masks", os.path.join(phantoms[0], "masks")])
    return [ft, scratch, os.path.join(cli_runs, "pre")], compare


def render(chromium, page, work):
    dom = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=" +
                          os.path.join(work, "chromium-profile"), "--dump-dom", "file://" + os.path.abspath(page)],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, timeout=120)
    if dom.returncode != 0 or "</html>" not in dom.stdout:
        sys.exit(f"chromium did not render {page} (exit {dom.returncode})")
    with open(os.path.join(work, "report.dom.html"), "w") as f:
        f.write(dom.stdout)
    builder = TreeBuilder()
    builder.feed(dom.stdout)
    return builder.root


def resolve(doc, pointer):
    node = doc
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


def shown(value, fmt):
    if fmt == "percent":
        return f"{value * 100:.0f}%"
    if fmt == "hit":
        return "hit" if value else "miss"
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return None  # a flag is never shown as a number
    if isinstance(value, int):
        return str(value)
    return f"{value:.3f}"


def load_source(path, cache):
    if path not in cache:
        with open(path) as f:
            cache[path] = [json.loads(line) for line in f if line.strip()] if path.endswith(".jsonl") else json.load(f)
    return cache[path]


def check_sourced_numbers(root, c):
    """Every [data-src] element: its text is the value its file holds at that pointer, as the page formats it."""
    cache = {}
    for el in root.iter():
        if "data-src" not in el.attrs or el.tag in ("figure", "svg"):
            continue
        ptr, path, text = el.attrs["data-src"], el.ancestor_attr("data-json"), el.text().strip()
        where = f"{path}#{ptr}"
        if not c.check(path is not None and os.path.exists(path), f"{where}: no data-json file above the element"):
            continue
        try:
            value = resolve(load_source(path, cache), ptr)
        except (KeyError, IndexError, ValueError, TypeError):
            c.check(False, f"{where}: the pointer does not resolve")
            continue
        fmt = el.attrs.get("data-format")
        if fmt == "raw":
            ok = isinstance(value, (int, float)) and float(text) == value
        else:
            ok = text == shown(value, fmt)
        c.check(ok, f"{where}: the page shows {text!r}, the file holds {value!r}")
        if "data-value" in el.attrs and value is not None:
            v = el.attrs["data-value"]
            c.check((v == "true") == value if isinstance(value, bool) else float(v) == value,
                    f"{where}: data-value {v} differs from the file's {value!r}")
        c.count("numbers checked against their file")


def check_tables_only_sourced(root, c):
    """No digit in a metrics table cell outside an element that names its source (or is computed and checked)."""
    for table in root.find_all("table"):
        if "metrics" not in table.attrs.get("class", "").split():
            continue
        for td in table.find_all("td"):
            if "text" in td.attrs.get("class", "").split():
                continue
            loose = td.text(skip=lambda n: "data-src" in n.attrs or "data-calc" in n.attrs)
            if "data-src" not in td.attrs and re.search(r"\d", loose):
                c.check(False, f"table {table.attrs.get('data-table')}: unsourced number in cell {td.text().strip()!r}")


def points_of(svg):
    rect = svg.find_all("rect", data_plot_area="")[0]
    box = [float(rect.attrs[k]) for k in ("x", "y", "width", "height")]
    x0, x1 = map(float, rect.attrs["data-x-range"].split())
    y0, y1 = map(float, rect.attrs["data-y-range"].split())
    pts = []
    for line in svg.find_all("polyline"):
        pts += [tuple(map(float, p.split(","))) for p in line.attrs["points"].split()]
    return box, (x0, x1, y0, y1), pts


def check_roc(fig, curve, name, c):
    svgs = fig.find_all("svg")
    if curve is None or curve.get("roc") is None:
        reason = (curve or {}).get("reason", "")
        c.check(not svgs and reason and reason in fig.text(), f"{name}: no ROC curve, but the page does not say why ({reason})")
        return
    if not c.check(len(svgs) == 1, f"{name}: {len(svgs)} ROC charts"):
        return
    c.check(svgs[0].attrs.get("data-class") == name, f"{name}: the ROC <svg> lacks data-class")
    box, (x0, x1, y0, y1), pts = points_of(svgs[0])
    fpr, tpr = curve["roc"]["fpr"], curve["roc"]["tpr"]
    if not c.check(len(pts) == len(fpr), f"{name}: {len(pts)} ROC points drawn, eval.json has {len(fpr)}"):
        return
    for (px, py), f, t in zip(pts, fpr, tpr):
        ex = box[0] + (f - x0) / (x1 - x0) * box[2]
        ey = box[1] + box[3] - (t - y0) / (y1 - y0) * box[3]
        c.check(abs(px - ex) <= 0.006 and abs(py - ey) <= 0.006,
                f"{name}: ROC point ({f}, {t}) drawn at ({px}, {py}), expected ({ex:.2f}, {ey:.2f})")
    c.count("ROC curves checked")
    c.count("ROC points checked", len(pts))


def check_evaluation(section, run_dir, c):
    eval_path = os.path.join(run_dir, "eval-test", "eval.json")
    ev = json.load(open(eval_path))
    holders = section.find_all("div", data_json=eval_path)
    if not c.check(len(holders) == 1, f"{run_dir}: the evaluation is not marked as coming from {eval_path}"):
        return
    box = holders[0]
    tables = box.find_all("table", data_table="per-class")
    if not c.check(len(tables) == 1, f"{run_dir}: {len(tables)} per-class tables"):
        return
    curves = {cv["class"]: cv for cv in ev["curves"]}
    for i, name in enumerate(ev["labels"]["names"]):
        rows = tables[0].find_all("tr", data_class=name)
        if c.check(len(rows) == 1, f"{run_dir}: {len(rows)} table rows for class {name!r}"):
            for metric in ("auroc", "auprc", "f1", "precision", "recall", "specificity", "accuracy"):
                cells = rows[0].find_all("td", data_metric=metric)
                c.check(len(cells) == 1 and (cells[0].attrs.get("data-src") == f"/per_class/{i}/{metric}/value" or
                                             any(e.attrs.get("data-src") == f"/per_class/{i}/{metric}/value"
                                                 for e in cells[0].iter())),
                        f"{run_dir}: class {name!r} has no {metric} cell pointing at per_class/{i}")
        figs = box.find_all("figure", data_chart="roc", data_class=name)
        if c.check(len(figs) == 1, f"{run_dir}: {len(figs)} ROC figures for class {name!r}"):
            check_roc(figs[0], curves.get(name), name, c)
        c.count("class rows and ROC figures checked")
    for average in ("macro", "micro"):
        c.check(len(tables[0].find_all("tr", data_average=average)) == 1, f"{run_dir}: no {average} row")


def float32(s):
    return float(np.float32(s))


def check_calibration(section, run_dir, c):
    csv_path = os.path.join(run_dir, "eval-test", "predictions.csv")
    holders = section.find_all("div", data_csv=csv_path)
    if not c.check(len(holders) == 1, f"{run_dir}: no calibration marked as coming from {csv_path}"):
        return
    ev = json.load(open(os.path.join(run_dir, "eval-test", "eval.json")))
    names, multi_class = ev["labels"]["names"], ev["labels"]["kind"] == "multi-class"
    pairs = []
    for row in csv.DictReader(open(csv_path)):
        if row["split"] != ev["source"]["split"]:
            continue
        if multi_class:
            probs = [float32(row["p_" + n]) for n in names]
            top = int(np.argmax(probs))
            if row["y_" + names[top]] != "":
                pairs.append((probs[top], 1.0 if float(row["y_" + names[top]]) == 1 else 0.0))
        else:
            pairs += [(float32(row["p_" + n]), float(row["y_" + n])) for n in names if row["y_" + n] != ""]
    bins = [[] for _ in range(10)]
    for p, y in pairs:
        bins[min(9, int(p * 10))].append((p, y))
    ece = sum(len(b) / len(pairs) * abs(np.mean([p for p, _ in b]) - np.mean([y for _, y in b])) for b in bins if b)
    calc = {(e.attrs["data-calc"], e.attrs.get("data-bin")): e for e in holders[0].iter() if "data-calc" in e.attrs}
    expected = {("predictions", None): len(pairs), ("ece", None): ece}
    for i, b in enumerate(bins):
        expected[("count", str(i))] = len(b)
        expected[("mean_predicted", str(i))] = np.mean([p for p, _ in b]) if b else None
        expected[("observed", str(i))] = np.mean([y for _, y in b]) if b else None
    for key, value in expected.items():
        el = calc.get(key)
        if not c.check(el is not None, f"{run_dir}: calibration {key} not shown"):
            continue
        text = el.text().strip()
        if value is None:
            c.check(text == "—", f"{run_dir}: calibration {key} shows {text!r} for an empty bin")
        elif isinstance(value, int):
            c.check(text == str(value), f"{run_dir}: calibration {key} shows {text!r}, recomputed {value}")
        else:
            # Sums in another order differ in the last bits: the value within 1e-9, the text as it rounds.
            v = float(el.attrs.get("data-value", "nan"))
            c.check(abs(v - value) <= 1e-9 and text == f"{v:.3f}",
                    f"{run_dir}: calibration {key} shows {text!r} (data-value {v}), recomputed {value}")
        c.count("calibration numbers recomputed")


def check_gallery(section, run_dir, c):
    explain_path = os.path.join(run_dir, "explain", "explain.json")
    holders = section.find_all("div", data_json=explain_path)
    if not c.check(len(holders) == 1, f"{run_dir}: no Grad-CAM gallery from {explain_path}"):
        return
    ex = json.load(open(explain_path))
    with_overlay = [e for e in ex["images"] if "overlay_gradcam" in e]
    figures = holders[0].find_all("figure")
    c.check(len(figures) == min(GALLERY_LIMIT, len(with_overlay)),
            f"{run_dir}: {len(figures)} overlays shown, expected {min(GALLERY_LIMIT, len(with_overlay))}")
    c.check(str(len(with_overlay)) in holders[0].text(), f"{run_dir}: the gallery does not say how many overlays exist")
    for fig in figures:
        entry = resolve(ex, fig.attrs["data-src"])
        imgs = fig.find_all("img")
        c.check(fig.attrs.get("data-class") == entry["class"], f"{run_dir}: overlay figure of the wrong class")
        for img, key in zip(imgs, ("overlay_gradcam", "overlay_gradcam_pp")):
            src = img.attrs.get("src", "")
            want = open(os.path.join(run_dir, "explain", entry[key]), "rb").read()
            c.check(src.startswith("data:image/png;base64,") and base64.b64decode(src.split(",", 1)[1]) == want,
                    f"{run_dir}: the {key} image of {entry['image']} is not the overlay file's bytes")
            c.count("overlay images compared byte for byte")


def check_comparison(root, compare_path, c):
    cmp = json.load(open(compare_path))
    sections = root.find_all("section", data_json=compare_path)
    if not c.check(len(sections) == 1, f"no comparison section from {compare_path}"):
        return
    for row in cmp["per_class"]:
        c.check(len(sections[0].find_all("tr", data_class=row["class"])) == 1, f"comparison: no row for {row['class']!r}")
    verdict = sections[0].find_all("p")[-1].text().strip()
    c.check(verdict == cmp["verdict"], f"comparison: verdict {verdict!r} differs from the file's")


def check_page(root, runs, compare_path, c):
    h1 = root.find_all("h1")
    c.check(len(h1) == 1 and h1[0].text() == TITLE, f"title shown as {h1[0].text() if h1 else None!r}")
    c.check(not root.find_all("script"), "the page has a script")
    for el in root.iter():
        for attr in ("src", "href"):
            v = el.attrs.get(attr)
            if v is not None:
                c.check(v.startswith("data:") or v.startswith("#"), f"<{el.tag} {attr}={v[:60]!r}> points outside the page")
    sections = root.find_all("section", **{"class": "run"})
    c.check([s.attrs.get("data-run") for s in sections] == runs, "run sections are not the runs given, in order")
    for section, run_dir in zip(sections, runs):
        has_eval = os.path.exists(os.path.join(run_dir, "eval-test", "eval.json"))
        has_explain = os.path.exists(os.path.join(run_dir, "explain", "explain.json"))
        missing = {m.attrs["data-missing"] for m in section.find_all(**{"class": "missing"}) if "data-missing" in m.attrs}
        c.check(("eval" in missing) != has_eval, f"{run_dir}: evaluation present={has_eval} but missing note={'eval' in missing}")
        c.check(("explain" in missing) != has_explain, f"{run_dir}: explain present={has_explain} but note={'explain' in missing}")
        if has_eval:
            check_evaluation(section, run_dir, c)
            check_calibration(section, run_dir, c)
        if has_explain:
            check_gallery(section, run_dir, c)
        c.check(bool(section.find_all("svg", data_chart="loss")), f"{run_dir}: no loss curve")
    runs_table = root.find_all("table", data_table="runs")
    c.check(len(runs_table) == 1 and
            [r.attrs.get("data-run") for r in runs_table[0].find_all("tr") if "data-run" in r.attrs] == runs,
            "the runs table does not list the runs in order")
    check_comparison(root, compare_path, c)
    check_sourced_numbers(root, c)
    check_tables_only_sourced(root, c)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--thorax", required=True)
    ap.add_argument("--runs", required=True, help="the folder holding the CLI tests' runs ft and pre")
    ap.add_argument("--work", required=True)
    ap.add_argument("--screenshot", help="also save a 1200 px wide screenshot here (for a person to look at)")
    a = ap.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("skipping: Chromium is not installed (Debian package chromium; `make setup` installs it)")
        return 77
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    runs, compare = make_runs(a.thorax, a.runs, a.work)
    page = os.path.join(a.work, "report.html")
    print(run([a.thorax, "report", "--runs", *runs, "--compare", compare, "--title", TITLE, "--gallery-limit",
               str(GALLERY_LIMIT), "--out", page]), end="")
    root = render(chromium, page, a.work)
    if a.screenshot:
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        "--user-data-dir=" + os.path.join(a.work, "chromium-profile"), "--window-size=1200,3000",
                        "--screenshot=" + a.screenshot, "file://" + os.path.abspath(page)],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    c = Checker()
    check_page(root, runs, compare, c)
    for what, n in sorted(c.counts.items()):
        print(f"{what}: {n}")
    if c.failures:
        print(f"FAILED: {len(c.failures)} checks of the rendered page")
        for f in c.failures[:60]:
            print("  " + f)
        return 1
    print("report.html checked in the page Chromium rendered: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
