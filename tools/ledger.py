"""The 20-seed ledger: every lesson at seeds 1..20, every claim and condition, how it fares.

``make claims`` (all lessons) or ``make claims NB=13`` (one lesson's rows) runs each lesson at
every seed on Dask's distributed scheduler (``tools.cluster``), reads every claim block each run
printed (``helpers.claims.parse_claims``: the lessons are executed, never parsed as code), and
writes

- ``benchmarks/claims.json``: the machine-readable ledger, one entry per lesson, each stamped
  with the commit and the notebook's code hashes (``tools.execute.code_hashes``) it was made from;
  ``make claims NB=13`` replaces lesson 13's entry and keeps the others;
- ``benchmarks/claims.md``: the same, for people (made from the JSON, so both always agree);
- ``build/claims/<lesson>_seed<k>.ipynb``: the executed copy of every run that did not run to
  the end, to read why.

Per lesson: the seeds it ran to the end at (every ``assert`` counts, not only claims). Per claim
and per condition (measured and sanity): the seeds it held at, the smallest and median margin,
and the flags *constant* and *thin* (defined in :data:`LEGEND`).
"""

from __future__ import annotations

import hashlib
import json
import math
import statistics
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from tools.tally import REQUIRED_SHARE, LessonStats, aggregate

ROOT = Path(__file__).resolve().parent.parent
LEDGER_JSON = ROOT / "benchmarks" / "claims.json"
LEDGER_MD = ROOT / "benchmarks" / "claims.md"
FAILED_RUNS = ROOT / "build" / "claims"

LEGEND = """\
How to read it. Every lesson was run at each seed from start to end in a kernel of its own (on a
local cluster, the kernels share the machine's cores: TensorFlow threads = cores / workers);
*ran to the end* counts the seeds at which no cell raised (every `assert` counts, not only claims).
For each claim and each of its conditions (as `check_claim` printed them, `helpers.claims`):

- **held**: the seeds at which it held, out of all seeds run (a claim that a run never reached, because
  an earlier cell failed, did not hold at that seed); **reached**: the seeds whose run printed it.
- **margin**: how far a condition was from failing (`helpers.claims`: the relative gap, in [-2, 2],
  positive when it holds); *smallest* and *median* over the seeds that reached it. `==` conditions
  show `exact` (no margin); sanity checks have none.
- **constant**: a measured condition whose printed left side, right side and margin were the same at
  every seed that reached it (at least two): nothing the seed moves enters it, so it is true by
  construction and belongs in `sanity=`. `==` conditions are exempt (exact reproduction compares
  equal things on purpose); sanity checks are expected to be constant and are not flagged.
- **thin**: a measured condition that held at fewer than 95% of the seeds (19 of 20), or whose
  smallest margin is smaller than the standard deviation of its margin over the seeds (sample
  standard deviation, at least three seeds): one more seed could plausibly make it fail.

Rows are stamped with the commit and the notebook's code hash (`tools.execute.code_hashes`) they were
made from; `make claims NB=NN` refreshes one lesson's rows; a run that failed is kept in
`build/claims/` to read."""


# ------------------------------------------------------------------ the ledger's files

def commit(notebook: Path | None = None) -> str:
    """The commit a lesson's rows are made from, with ``+dirty`` when the lesson, ``helpers/`` or
    ``data/`` differ from it (the code hash then says exactly which lesson code ran)."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    sha = git("rev-parse", "--short=12", "HEAD") or "unknown"
    paths = [str(notebook)] if notebook is not None else ["notebooks"]
    dirty = git("status", "--porcelain", "--", *paths, "helpers", "data")
    return sha + ("+dirty" if dirty else "")


def code_digest(hashes: list[str]) -> str:
    """One short digest of a notebook's code-cell hashes (``tools.execute.code_hashes``)."""
    return hashlib.sha256("".join(hashes).encode()).hexdigest()[:12]


def lesson_entry(stats: LessonStats, hashes: list[str], made_from: str, stamp: str,
                 seconds: float | None = None) -> dict:
    """The JSON entry of one lesson: its stats with every derived figure spelled out."""
    n = len(stats.seeds)
    claims = []
    for claim in stats.claims.values():
        conditions = []
        for c in claim.conditions.values():
            conditions.append({
                "name": c.name, "kind": c.kind, "operator": c.operator, "held": c.held,
                "reached": c.reached, "margins": c.margins, "smallest": c.smallest,
                "median": c.median, "spread": c.spread, "constant": c.constant(),
                "thin": c.thin(n), "left": sorted(set(c.lefts))[:3],
                "right": sorted(set(c.rights))[:3]})
        claims.append({"number": claim.number, "statement": claim.statement, "held": claim.held,
                       "reached": claim.reached, "conditions": conditions,
                       "budget": claim.budgets[0] if claim.budgets else {},
                       "budget_varies": any(b != claim.budgets[0] for b in claim.budgets)})
    figures = {label: {"median": statistics.median(v), "min": min(v), "max": max(v), "n": len(v)}
               for label, v in stats.figures.items()}
    return {"lesson": stats.lesson, "seeds": stats.seeds, "ran_to_end": stats.ran_to_end,
            "commit": made_from, "made": stamp, "code_sha256": hashes,
            "code_digest": code_digest(hashes), "kernel_seconds": seconds, "claims": claims,
            "figures": figures, "failures": stats.failures, "notes": stats.notes}


def load(path: Path = LEDGER_JSON) -> dict:
    if not path.exists():
        return {"lessons": {}}
    return json.loads(path.read_text(encoding="utf-8"))


def save(ledger: dict, json_path: Path = LEDGER_JSON, md_path: Path = LEDGER_MD) -> None:
    json_path.parent.mkdir(parents=True, exist_ok=True)
    ledger["lessons"] = dict(sorted(ledger["lessons"].items()))
    json_path.write_text(json.dumps(ledger, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    md_path.write_text(markdown(ledger), encoding="utf-8")


def _m(value) -> str:
    return "—" if value is None else f"{value:.2g}"


def _conditions(ledger: dict):
    for name, entry in ledger["lessons"].items():
        for claim in entry["claims"]:
            for cond in claim["conditions"]:
                yield name, entry, claim, cond


def summary(ledger: dict) -> dict:
    """The figures at the top of claims.md."""
    rows = list(_conditions(ledger))
    measured = [r for r in rows if r[3]["kind"] == "measured"]
    required = {name: math.ceil(REQUIRED_SHARE * len(e["seeds"]) - 1e-9)
                for name, e in ledger["lessons"].items()}
    with_margin = sorted((r for r in measured if r[3]["smallest"] is not None),
                         key=lambda r: r[3]["smallest"])
    return {
        "lessons": len(ledger["lessons"]),
        "claims": sum(len(e["claims"]) for e in ledger["lessons"].values()),
        "conditions": len(rows), "measured": len(measured), "sanity": len(rows) - len(measured),
        "measured_at_required": sum(r[3]["held"] >= required[r[0]] for r in measured),
        "lessons_to_end": sum(e["ran_to_end"] >= required[n] for n, e in ledger["lessons"].items()),
        "constant": [(r[0], r[2]["number"], r[3]["name"]) for r in measured if r[3]["constant"]],
        "thin": [(r[0], r[2]["number"], r[3]["name"]) for r in measured if r[3]["thin"]],
        "smallest": [(r[0], r[2]["number"], r[3]["name"], r[3]["smallest"])
                     for r in with_margin[:5]],
    }


def markdown(ledger: dict) -> str:
    s = summary(ledger)
    commits = sorted({e["commit"] for e in ledger["lessons"].values()})
    lines = ["# Claims ledger: every lesson at 20 seeds", "",
             f"Made by `make claims` from commit {', '.join(commits) or '—'} "
             f"(each lesson's rows say theirs); machine: {ledger.get('machine', '—')}.", "",
             "## Summary", "",
             f"- lessons: {s['lessons']}; {s['lessons_to_end']} of them ran to the end at 95% of "
             f"the seeds or more (19/20).",
             f"- {s['claims']} claims, {s['conditions']} conditions ({s['measured']} measured, "
             f"{s['sanity']} sanity checks); {s['measured_at_required']} of the {s['measured']} "
             f"measured conditions held at 19/20 seeds or more.",
             f"- constant: {len(s['constant'])}"
             + (" (" + "; ".join(f"{c[0][:2]} claim {c[1]} {c[2]}" for c in s["constant"]) + ")"
                if s["constant"] else ""),
             f"- thin: {len(s['thin'])}"
             + (" (" + "; ".join(f"{c[0][:2]} claim {c[1]} {c[2]}" for c in s["thin"]) + ")"
                if s["thin"] else ""),
             "- the five smallest margins: "
             + ("; ".join(f"{c[0][:2]} claim {c[1]} {c[2]} {_m(c[3])}" for c in s["smallest"])
                or "—"),
             "", LEGEND, ""]
    for name, entry in ledger["lessons"].items():
        n = len(entry["seeds"])
        lines += [f"## {name}", "",
                  f"Ran to the end at {entry['ran_to_end']}/{n} seeds "
                  f"(seeds {_seed_span(entry['seeds'])}). Commit {entry['commit']}, code "
                  f"{entry['code_digest']}, made {entry['made']}"
                  + (f", {entry['kernel_seconds']:.0f} s of kernel time over all seeds"
                     if entry.get("kernel_seconds") else "") + ".", ""]
        for error, fails in _grouped(entry["failures"]):
            seeds = [f["seed"] for f in fails]
            cells = sorted({f["cell"] for f in fails if f.get("cell") is not None})
            where = f" in code cell {', '.join(map(str, cells))}" if cells else ""
            copies = [f["copy"] for f in fails if f.get("copy")]
            copy = (f" (executed cop{'ies' if len(copies) > 1 else 'y'}: `{copies[0]}`"
                    + (f" and {len(copies) - 1} more" if len(copies) > 1 else "") + ")"
                    if copies else "")
            lines.append(f"- seed{'s' if len(seeds) > 1 else ''} {_seed_span(seeds)} stopped{where}: "
                         f"`{_short(error)}`{copy}")
        for note in entry.get("notes", []):
            lines.append(f"- seed {note['seed']}: {note['note']}")
        if entry["failures"] or entry.get("notes"):
            lines.append("")
        if not entry["claims"]:
            lines += ["No claim printed at any seed.", ""]
            continue
        lines += ["| claim / condition | kind | held | reached | smallest margin | median margin "
                  "| flags |", "|---|---|---:|---:|---:|---:|---|"]
        for claim in entry["claims"]:
            lines.append(f"| **{claim['number']}** {_cell(claim['statement'])} | claim | "
                         f"{claim['held']}/{n} | {claim['reached']}/{n} | | | |")
            for c in claim["conditions"]:
                flags = ", ".join(f for f in ("constant", "thin") if c[f])
                exact = c["operator"] == "==" and c["kind"] == "measured"
                lines.append(
                    f"| &nbsp;&nbsp;{c['name']} (`{c['operator']}`) | {c['kind']} | {c['held']}/{n} "
                    f"| {c['reached']}/{n} | {'exact' if exact else _m(c['smallest'])} | "
                    f"{'exact' if exact else _m(c['median'])} | {flags} |")
        lines.append("")
    return "\n".join(lines)


def _grouped(failures):
    groups: dict[str, list] = {}
    for fail in failures:
        groups.setdefault(fail["error"], []).append(fail)
    return groups.items()


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(str(text).split()).replace("`", "'")
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _seed_span(seeds) -> str:
    seeds = sorted(s for s in seeds if s is not None)
    if len(seeds) > 2 and seeds == list(range(seeds[0], seeds[-1] + 1)):
        return f"{seeds[0]}..{seeds[-1]}"
    return ", ".join(map(str, seeds))


# ------------------------------------------------------------------ make claims

def stale_lessons(ledger: dict, notebooks) -> list[str]:
    """Lessons whose code changed since their rows were made (lessons without rows: not listed)."""
    import nbformat

    from tools.execute import code_hashes

    stale = []
    for path in notebooks:
        entry = ledger["lessons"].get(Path(path).name)
        hashes = code_hashes(nbformat.read(path, as_version=4))
        if entry is not None and entry.get("code_sha256") != hashes:
            stale.append(Path(path).name)
    return stale


def main(paths, *, seeds, params, timeout, scheduler=None, workers=2,
         json_path: Path = LEDGER_JSON, md_path: Path = LEDGER_MD,
         failed_dir: Path = FAILED_RUNS) -> int:
    """Run ``paths`` at every seed, rewrite their entries of the ledger; 0 if all ran to the end."""
    import nbformat

    from tools import cluster
    from tools.execute import code_hashes, machine

    if params:
        print(f"note: the ledger is made with the lessons' own parameters; -p {params} applies to "
              f"every run and is recorded.", file=sys.stderr)
    paths = [Path(p) for p in paths]
    hashes = {p.name: code_hashes(nbformat.read(p, as_version=4)) for p in paths}
    made_from = {p.name: commit(p) for p in paths}
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    tasks = [cluster.Task(p, {**params, "seed": s}, timeout) for p in paths for s in seeds]
    started = datetime.now(UTC)
    runs = cluster.run_tasks(tasks, scheduler=scheduler, workers=workers,
                             order=cluster.longest_first)
    wall = (datetime.now(UTC) - started).total_seconds()
    ledger = load(json_path)
    ledger["machine"] = machine()
    if params:
        ledger["parameters"] = {k: v for k, v in params.items() if k != "seed"}
    all_ok = True
    for path in paths:
        lesson_runs = sorted((r for r in runs if r.path.name == path.name),
                             key=lambda r: r.params["seed"])
        for old in failed_dir.glob(f"{path.stem}_seed*.ipynb"):
            old.unlink()
        stats = aggregate(lesson_runs, path.name)
        for fail, run in zip(stats.failures, [r for r in lesson_runs if r.error], strict=True):
            failed_dir.mkdir(parents=True, exist_ok=True)
            copy = failed_dir / f"{path.stem}_seed{run.params['seed']}.ipynb"
            nbformat.write(run.nb, copy)
            fail["copy"] = str(copy.relative_to(ROOT)) if copy.is_relative_to(ROOT) else str(copy)
        lesson_seconds = sum(r.seconds for r in lesson_runs)
        ledger["lessons"][path.name] = lesson_entry(stats, hashes[path.name],
                                                    made_from[path.name], stamp, lesson_seconds)
        all_ok &= stats.ran_to_end == len(seeds)
        print(f"{path.name}: ran to the end at {stats.ran_to_end}/{len(seeds)} seeds, "
              f"{len(stats.claims)} claims ({lesson_seconds:.0f} s of kernel time)")
    save(ledger, json_path, md_path)
    print(f"ledger: {md_path.relative_to(ROOT) if md_path.is_relative_to(ROOT) else md_path} "
          f"(and {json_path.name}); {len(tasks)} runs in {wall:.0f} s of wall time")
    if any(r.error for r in runs):
        print(f"executed copies of the failed runs: {failed_dir}/")
    return 0 if all_ok else 1
