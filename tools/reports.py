"""Reports of executed lessons: markdown and self-contained HTML (images embedded), sweep tables.

Used by ``tools.runner``, ``tools.bench`` and ``tools.ledger``; every function takes the runner's
``Run`` objects (path, nb, seconds, error, peak_mb, memory, keys, claims, figures) and returns text.
Claim blocks and key figures are read with ``helpers.claims``'s parser, never here.
"""

from __future__ import annotations

import html
import statistics
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMES = ROOT / "benchmarks" / "notebook_times.md"


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
        lines += _key_items(run.keys) or ["- (no claims or key figures printed)"]
        if run.note:
            lines.append(f"- note: {run.note}")
        lines.append("")
    return "\n".join(lines)


def _key_items(keys: list[str]) -> list[str]:
    """Claim heads and key figures as list items, each claim's conditions and budget under it."""
    return [f"  - {k.strip()}" if k.startswith("  ") else f"- {k}" for k in keys]


def _key_html(keys: list[str]) -> str:
    esc, items, inner = html.escape, [], []

    def close():
        if items and inner:
            items[-1] = items[-1].replace("</li>", "<ul>" + "".join(inner) + "</ul></li>")
        inner.clear()

    for k in keys:
        if k.startswith("  "):
            inner.append(f"<li>{esc(k.strip())}</li>")
        else:
            close()
            items.append(f"<li>{esc(k)}</li>")
    close()
    return "".join(items)


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
        f"<td>{len(r.claims)}</td></tr>" for r in runs)
    body = [f"<h1>Run report</h1><p>{esc(stamp)} &middot; {esc(machine)} &middot; parameters: "
            f"<code>{esc(str(params or 'as committed'))}</code> &middot; "
            f"{len(runs) - failures}/{len(runs)} lessons ok</p>",
            "<table id='lessons'><tr><th>lesson</th><th>status</th><th>seconds</th>"
            f"<th>peak MB</th><th>claims</th></tr>{rows}</table>"]
    for run in runs:
        png = main_plot(run.nb)
        img = (f"<img alt='main plot of {esc(run.name)}' src='data:image/png;base64,{png}'>"
               if png else "<p>(no plot)</p>")
        items = _key_html(run.keys) or "<li>(no claims printed)</li>"
        error = f"<p class='FAILED'>Failed: <code>{esc(run.error)}</code></p>" if run.error else ""
        body.append(f"<div class='lesson' id='{esc(run.path.stem)}'><div>{img}</div><div>"
                    f"<h2>{esc(run.name)}</h2>{error}<ul>{items}</ul></div></div>")
    return _page("Run report", "".join(body))


def read_times(path: Path = TIMES) -> dict[str, float]:
    """``{notebook file name: seconds}`` from a ``make bench`` table (empty if there is none)."""
    return read_times_from_text(path.read_text(encoding="utf-8")) if path.exists() else {}


def read_times_from_text(text: str, column: str = "seconds") -> dict[str, float]:
    """``{notebook: value}`` of one numeric column (``seconds``, ``peak MB``...) of a bench table."""
    times, columns = {}, None
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if columns is None and "notebook" in cells and column in cells:
            columns = cells
            continue
        if columns and len(cells) >= len(columns) and cells[0].endswith(".ipynb"):
            try:
                times[cells[0]] = float(cells[columns.index(column)])
            except ValueError:
                continue
    return times


def _slowest(run, n: int = 3) -> str:
    cells = sorted(run.cell_seconds, key=lambda c: -c[1])[:n]
    return "; ".join(f"[{i}] {s:.1f} s `{_code(first)}`" for i, s, first in cells) or "—"


def _code(text: str) -> str:
    return text.replace("`", "'").replace("|", "\\|")[:40]


def _memory(run) -> str:
    m = run.memory or {}
    if not m.get("total_mb"):
        return "n/a | n/a | n/a"
    kids = (f"{m['children']} ({m['children_mb']:.0f})" if m.get("children") else "0")
    return f"{m['total_mb']:.0f} | {m['kernel_mb']:.0f} | {kids}"


BUDGET_MB = 2048


def bench_markdown(runs, stamp: str, machine: str, reference: list[float],
                   parts: list[str] | None = None) -> str:
    """The table ``make bench`` writes: seconds, reference units, memory per process, slowest cells."""
    unit = statistics.mean(reference) if reference else None
    over = [r.name for r in runs if (r.memory or {}).get("total_mb", 0) > BUDGET_MB]
    lines = ["# Notebook execution times and memory", "",
             "Made by `make bench`: kernel start, imports and every cell, one notebook at a time. "
             "**ref units**: the lesson's seconds divided by the seconds of a fixed reference "
             "workload (numpy and a tiny Keras fit in a kernel like a lesson's, "
             "`tools/bench.py`) timed in the same run, so tables from two machines compare. "
             "Memory is each process's proportional set size (shared pages split between the "
             "processes that share them, so nothing counts twice): **peak MB** is the largest sum "
             "over the kernel and its child processes at one moment, **kernel MB** the kernel's "
             "own peak, **children** their number (their peak sum in MB). Budget: 2 GB a lesson.",
             f"Measured {stamp} on {machine}.",
             "Reference workload (kernel start to last cell, before and after the lessons): "
             + ("; ".join(parts) if parts else ", ".join(f"{x:.2f} s" for x in reference))
             + (f"; 1 ref unit = {unit:.2f} s" if unit else "not run") + ".", ""]
    lines += ["| notebook | status | seconds | ref units | peak MB | kernel MB | children (MB) "
              "| slowest cells (code cell index) |", "|---|---|---:|---:|---:|---:|---:|---|"]
    for r in runs:
        units = f"{r.seconds / unit:.2f}" if unit else "n/a"
        lines.append(f"| {r.name} | {r.status} | {r.seconds:.1f} | {units} | {_memory(r)} | "
                     f"{_slowest(r)} |")
    total = sum(r.seconds for r in runs)
    lines += [f"| **total** | | {total:.1f} | {total / unit:.1f} | | | | |" if unit else
              f"| **total** | | {total:.1f} | | | | | |", ""]
    lines.append("Over the 2 GB budget: " + (", ".join(over) if over else "none") + ".")
    return "\n".join(lines) + "\n"


def compare_markdown(pairs, stamp: str, machine: str, base: str, head: str,
                     reference: list[float]) -> str:
    """``make bench BASE=...``: the lessons of two commits, run alternately, side by side."""
    unit = statistics.mean(reference) if reference else None
    lines = [f"# Side by side: {base} against {head}", "",
             f"Measured {stamp} on {machine}, lesson by lesson alternately (base, then working "
             f"tree). Reference workload: " + ", ".join(f"{x:.2f} s" for x in reference)
             + (f" (1 ref unit = {unit:.2f} s)" if unit else ""), "",
             "| notebook | base s | base ref units | new s | new ref units | new / base |",
             "|---|---:|---:|---:|---:|---:|"]
    tb = tn = 0.0
    for name, b, n in pairs:
        bs = b.seconds if b is not None else None
        ns = n.seconds if n is not None else None
        ratio = f"{ns / bs:.2f}" if bs and ns is not None else "n/a"
        if bs and ns is not None:
            tb, tn = tb + bs, tn + ns
        lines.append(f"| {name} | {_s(bs, b)} | {_u(bs, unit)} | {_s(ns, n)} | {_u(ns, unit)} | "
                     f"{ratio} |")
    if tb:
        lines.append(f"| **total (lessons in both)** | {tb:.1f} | {_u(tb, unit)} | {tn:.1f} | "
                     f"{_u(tn, unit)} | {tn / tb:.2f} |")
    return "\n".join(lines) + "\n"


def _s(seconds, run) -> str:
    if run is None:
        return "—"
    return f"{seconds:.1f}" + ("" if run.error is None else " (failed)")


def _u(seconds, unit) -> str:
    return f"{seconds / unit:.2f}" if seconds is not None and unit else "—"


def sweep_table(runs) -> dict:
    """One lesson at several seeds: per claim and condition its verdicts, per key figure its values
    (``tools.tally.aggregate``, which reads the claim blocks with ``helpers.claims``)."""
    from tools.tally import aggregate

    return {"stats": aggregate(runs), "seeds": len(runs)}


def _fmt(x) -> str:
    return "—" if x is None else f"{x:.4g}"


def _margin(x) -> str:
    return "—" if x is None else f"{x:.2g}"


def sweep_rows(table) -> list[tuple]:
    """``(claim or condition label, kind, held, smallest margin, median margin, flags)`` rows."""
    stats, n = table["stats"], table["seeds"]
    rows = []
    for claim in stats.claims.values():
        rows.append((f"{claim.number}: {claim.statement}", "claim", f"{claim.held}/{n}", "", "", ""))
        for c in claim.conditions.values():
            flags = ", ".join(f for f, on in (("constant", c.constant()), ("thin", c.thin(n))) if on)
            exact = c.operator == "==" and c.kind == "measured"
            rows.append((f"  {c.name} ({c.operator})", c.kind, f"{c.held}/{n}",
                         "exact" if exact else _margin(c.smallest),
                         "exact" if exact else _margin(c.median), flags))
    return rows


def sweep_markdown(name, runs, table, stamp, machine, params) -> str:
    stats = table["stats"]
    seeds = [r.params.get("seed") for r in runs]
    other = {k: v for k, v in params.items() if k != "seed"} or "as committed"
    lines = [f"# Seed sweep of {name} ({stamp})", "", f"Machine: {machine}  ",
             f"Seeds: {seeds}; other parameters: {other}  ",
             f"Ran to the end at {stats.ran_to_end}/{len(runs)} seeds.", "",
             "| claim / condition | kind | held at | smallest margin | median margin | flags |",
             "|---|---|---:|---:|---:|---|"]
    for label, kind, held, low, mid, flags in sweep_rows(table):
        label = label.replace("|", "\\|")
        label = f"&nbsp;&nbsp;{label.strip()}" if label.startswith("  ") else label
        lines.append(f"| {label} | {kind} | {held} | {low} | {mid} | {flags} |")
    lines += ["", "| key figure | median | min | max | n |", "|---|---:|---:|---:|---:|"]
    for label, values in stats.figures.items():
        lines.append(f"| {label} | {_fmt(statistics.median(values))} | {_fmt(min(values))} | "
                     f"{_fmt(max(values))} | {len(values)} |")
    failed = [(r.params.get("seed"), r.error) for r in runs if r.error]
    if failed:
        lines += ["", "Failed runs:"] + [f"- seed {s}: `{_last_line(e)}`" for s, e in failed]
    notes = [(r.params.get("seed"), r.note) for r in runs if r.note and not r.lost]
    if notes:
        lines += ["", "Notes:"] + [f"- seed {s}: {n}" for s, n in notes]
    return "\n".join(lines) + "\n"


def _last_line(text) -> str:
    return " ".join(str(text).split())[:200].replace("`", "'")


def sweep_html(name, runs, table, stamp, machine, params) -> str:
    esc = html.escape
    stats = table["stats"]
    claim_rows = "".join(
        f"<tr><td>{'&nbsp;&nbsp;' if label.startswith('  ') else ''}{esc(label.strip())}</td>"
        f"<td>{esc(kind)}</td><td>{held}</td><td>{low}</td><td>{mid}</td><td>{esc(flags)}</td></tr>"
        for label, kind, held, low, mid, flags in sweep_rows(table))
    fig_rows = "".join(
        f"<tr><td>{esc(label)}</td><td>{_fmt(statistics.median(v))}</td><td>{_fmt(min(v))}</td>"
        f"<td>{_fmt(max(v))}</td><td>{len(v)}</td></tr>" for label, v in stats.figures.items())
    body = (f"<h1>Seed sweep of {esc(name)}</h1><p>{esc(stamp)} &middot; {esc(machine)} &middot; "
            f"ran to the end at {stats.ran_to_end}/{len(runs)} seeds</p>"
            f"<table id='claims'><tr><th>claim / condition</th><th>kind</th><th>held at</th>"
            f"<th>smallest margin</th><th>median margin</th><th>flags</th></tr>{claim_rows}"
            f"</table><table id='figures'><tr><th>key figure</th><th>median</th><th>min</th>"
            f"<th>max</th><th>n</th></tr>{fig_rows}</table>")
    other = {k: v for k, v in params.items() if k != 'seed'} or 'as committed'
    body += f"<p>Other parameters: <code>{esc(str(other))}</code></p>"
    return _page(f"Sweep of {name}", body) if runs else _page("Sweep", "<p>no runs</p>")
