"""Reports of executed lessons: markdown and self-contained HTML (images embedded), sweep tables.

Used by ``tools.runner``; every function takes the runner's ``Run`` objects (path, nb,
seconds, error, peak_mb, keys) and returns text.
"""

from __future__ import annotations

import html
import re
import statistics

CLAIM = re.compile(r"^Claim (\S+) (holds|FAILS): (.*)$")
MEASURED = re.compile(r"[A-Za-z_][\w.]*=")


def split_claim(text: str) -> tuple[str, str]:
    """``statement (a=1, b=2)`` -> (statement, "a=1, b=2"); a statement may hold parentheses."""
    if text.endswith(")"):
        pos = text.rfind(" (")
        while pos != -1:
            if MEASURED.match(text, pos + 2):
                return text[:pos], text[pos + 2:-1]
            pos = text.rfind(" (", 0, pos)
    return text, ""
FIGURE = re.compile(r"^Key figure: (.+?) = (\S+)(?: (.*))?$")


def main_plot(nb) -> str | None:
    """The lesson's main plot as base64 PNG: a cell tagged ``main-plot``, else its largest PNG."""
    pngs, tagged = [], None
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            png = out.get("data", {}).get("image/png") if "data" in out else None
            if png:
                png = png if isinstance(png, str) else "".join(png)
                pngs.append(png)
                if tagged is None and "main-plot" in cell.metadata.get("tags", []):
                    tagged = png
    if tagged:
        return tagged
    return max(pngs, key=len) if pngs else None


def run_markdown(runs, stamp: str, machine: str, params: dict) -> str:
    failures = sum(r.error is not None for r in runs)
    lines = [f"# Run report ({stamp})", "", f"Machine: {machine}  ",
             f"Parameters: {params or 'as committed'}", "",
             "| notebook | status | seconds | peak MB |", "|---|---|---:|---:|"]
    lines += [f"| {r.name} | {r.status} | {r.seconds:.1f} | {_mb(r.peak_mb)} |" for r in runs]
    lines += [f"| **total** | {len(runs) - failures}/{len(runs)} ok | "
              f"{sum(r.seconds for r in runs):.1f} | |", ""]
    for run in runs:
        lines += [f"## {run.name}", ""]
        if run.error:
            lines += [f"**Failed:** `{run.error}`", ""]
        lines += [f"- {k}" for k in run.keys] or ["- (no claims or key figures printed)"]
        lines.append("")
    return "\n".join(lines)


def _mb(value) -> str:
    return f"{value:.0f}" if value else "n/a"


_STYLE = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;
vertical-align:top}th{background:#f3f3f3}.ok{color:#176b1b;font-weight:bold}
.FAILED{color:#b00020;font-weight:bold}.lesson{border-top:1px solid #ddd;padding:.5em 0;
display:flex;gap:1.5em}.lesson img{width:320px;border:1px solid #eee}ul{margin:.3em 0}
code{background:#f6f6f6}
"""


# Once the page has loaded, record how many images decoded (the browser test reads these).
_SCRIPT = ("window.addEventListener('load', () => { const imgs = [...document.images]; "
           "document.body.dataset.images = imgs.length; document.body.dataset.imagesLoaded = "
           "imgs.filter(i => i.complete && i.naturalWidth > 0).length; });")


def _page(title: str, body: str) -> str:
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}"
            f"</title><style>{_STYLE}</style></head><body>{body}<script>{_SCRIPT}</script>"
            f"</body></html>\n")


def run_html(runs, stamp: str, machine: str, params: dict) -> str:
    """One self-contained page: a table of every lesson, then each lesson's claims and main plot."""
    esc = html.escape
    failures = sum(r.error is not None for r in runs)
    rows = "".join(
        f"<tr><td><a href='#{esc(r.path.stem)}'>{esc(r.name)}</a></td>"
        f"<td class='{r.status}'>{r.status}</td><td>{r.seconds:.1f}</td><td>{_mb(r.peak_mb)}</td>"
        f"<td>{sum(k.startswith('Claim') for k in r.keys)}</td></tr>" for r in runs)
    body = [f"<h1>Run report</h1><p>{esc(stamp)} &middot; {esc(machine)} &middot; parameters: "
            f"<code>{esc(str(params or 'as committed'))}</code> &middot; "
            f"{len(runs) - failures}/{len(runs)} lessons ok</p>",
            "<table id='lessons'><tr><th>lesson</th><th>status</th><th>seconds</th>"
            f"<th>peak MB</th><th>claims</th></tr>{rows}</table>"]
    for run in runs:
        png = main_plot(run.nb)
        img = (f"<img alt='main plot of {esc(run.name)}' src='data:image/png;base64,{png}'>"
               if png else "<p>(no plot)</p>")
        items = "".join(f"<li>{esc(k)}</li>" for k in run.keys) or "<li>(no claims printed)</li>"
        error = f"<p class='FAILED'>Failed: <code>{esc(run.error)}</code></p>" if run.error else ""
        body.append(f"<div class='lesson' id='{esc(run.path.stem)}'><div>{img}</div><div>"
                    f"<h2>{esc(run.name)}</h2>{error}<ul>{items}</ul></div></div>")
    return _page("Run report", "".join(body))


def bench_markdown(runs, stamp: str, machine: str) -> str:
    lines = ["# Notebook execution times and memory", "",
             "Made by `make bench`: kernel start, imports and every cell, one notebook at a time; "
             "peak MB is the kernel's largest resident memory (its children included). Budgets: "
             "60 s (lesson 13: 90 s) and 2 GB a lesson.",
             f"Measured {stamp} on {machine}.", "",
             "| notebook | status | seconds | peak MB |", "|---|---|---:|---:|"]
    lines += [f"| {r.name} | {r.status} | {r.seconds:.1f} | {_mb(r.peak_mb)} |" for r in runs]
    lines += [f"| **total** | | {sum(r.seconds for r in runs):.1f} | |", ""]
    return "\n".join(lines)


def _number(text: str):
    try:
        return float(text)
    except ValueError:
        return None


def sweep_table(runs) -> dict:
    """Per claim: seeds it held at; per key figure and per claim measurement: the values."""
    claims, figures = {}, {}
    for run in runs:
        seen = set()
        for line in run.keys:
            if m := CLAIM.match(line):
                number, status, rest = m.groups()
                statement, details = split_claim(rest)
                entry = claims.setdefault(number, {"held": 0, "ran": 0, "statement": statement})
                if number not in seen:
                    entry["ran"] += 1
                    entry["held"] += status == "holds"
                    seen.add(number)
                for part in re.split(r",\s*(?=[A-Za-z_][\w.]*=)", details or ""):
                    key, _, value = part.partition("=")
                    if (v := _number(value.strip())) is not None:
                        figures.setdefault(f"claim {number}: {key.strip()}", []).append(v)
            elif m := FIGURE.match(line):
                if (v := _number(m.group(2))) is not None:
                    figures.setdefault(m.group(1), []).append(v)
        if run.error:  # a failed claim stops the notebook: count the claim that failed
            if m := re.search(r"Claim (\S+) FAILS", run.error):
                entry = claims.setdefault(m.group(1), {"held": 0, "ran": 0, "statement": ""})
                entry["ran"] += 1
    return {"claims": claims, "figures": figures, "seeds": len(runs)}


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def sweep_markdown(name, runs, table, stamp, machine, params) -> str:
    seeds = [r.params.get("seed") for r in runs]
    lines = [f"# Seed sweep of {name} ({stamp})", "", f"Machine: {machine}  ",
             f"Seeds: {seeds}; other parameters: {({k: v for k, v in params.items() if k != 'seed'}) or 'as committed'}",
             "", "| claim | held at | statement |", "|---|---:|---|"]
    for number, c in table["claims"].items():
        lines.append(f"| {number} | {c['held']}/{table['seeds']} | {c['statement']} |")
    lines += ["", "| key figure | median | min | max | n |", "|---|---:|---:|---:|---:|"]
    for label, values in table["figures"].items():
        lines.append(f"| {label} | {_fmt(statistics.median(values))} | {_fmt(min(values))} | "
                     f"{_fmt(max(values))} | {len(values)} |")
    failed = [(r.params.get("seed"), r.error) for r in runs if r.error]
    if failed:
        lines += ["", "Failed runs:"] + [f"- seed {s}: `{e}`" for s, e in failed]
    return "\n".join(lines) + "\n"


def sweep_html(name, runs, table, stamp, machine, params) -> str:
    esc = html.escape
    claim_rows = "".join(f"<tr><td>{esc(n)}</td><td>{c['held']}/{table['seeds']}</td>"
                         f"<td>{esc(c['statement'])}</td></tr>" for n, c in table["claims"].items())
    fig_rows = "".join(
        f"<tr><td>{esc(label)}</td><td>{_fmt(statistics.median(v))}</td><td>{_fmt(min(v))}</td>"
        f"<td>{_fmt(max(v))}</td><td>{len(v)}</td></tr>" for label, v in table["figures"].items())
    body = (f"<h1>Seed sweep of {esc(name)}</h1><p>{esc(stamp)} &middot; {esc(machine)}</p>"
            f"<table id='claims'><tr><th>claim</th><th>held at</th><th>statement</th></tr>{claim_rows}"
            f"</table><table id='figures'><tr><th>key figure</th><th>median</th><th>min</th>"
            f"<th>max</th><th>n</th></tr>{fig_rows}</table>")
    other = {k: v for k, v in params.items() if k != 'seed'} or 'as committed'
    body += f"<p>Other parameters: <code>{esc(str(other))}</code></p>"
    return _page(f"Sweep of {name}", body) if runs else _page("Sweep", "<p>no runs</p>")
