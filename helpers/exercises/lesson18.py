"""Exercises of lesson 18 (scaling out): references, edge cases and the experiment's judge.

- 18.1 ``my_tf_config(hosts, index)``: the ``TF_CONFIG`` dictionary of one worker of a cluster;
- 18.2 ``my_shard_contributions(w, b, x, y, n_replicas)``: each replica's weighted share of the
  kernel gradient when the global batch splits unevenly (``np.array_split``);
- 18.3 ``my_ragged_answer``: an experiment, whether two mirrored replicas still reproduce one
  device at a ragged global batch, judged against the learner's own measured gap.
"""

from __future__ import annotations

import numpy as np

from helpers import validate
from helpers.distributed.data_parallel import softmax_gradient
from helpers.exercises import check_choice, check_function, exercise, not_yet


def _tf_config(hosts, index):
    return {"cluster": {"worker": list(hosts)}, "task": {"type": "worker", "index": index}}


def _same_config(got, expected):
    if not isinstance(got, dict):
        return (f"returned {validate.describe(got)}; return the dictionary itself (json.dumps of "
                f"it is what goes into the TF_CONFIG variable)")
    if got.get("cluster") != expected["cluster"]:
        return (f"has cluster {got.get('cluster')!r}, expected {expected['cluster']!r}: the same "
                f"full list of workers on every machine")
    if got.get("task") != expected["task"]:
        return (f"has task {got.get('task')!r}, expected {expected['task']!r} (the first worker, "
                f"index 0, is the chief; a task type must be a job the cluster lists)")
    if set(got) != {"cluster", "task"}:
        return f"has extra keys {sorted(set(got) - {'cluster', 'task'})}"
    return None


def _hosts(rng):
    n = int(rng.integers(2, 6))
    hosts = [f"node-{int(k)}.example.org:{int(rng.integers(2000, 60000))}"
             for k in rng.choice(90, n, replace=False)]
    return hosts, int(rng.integers(0, n))


@exercise("18.1", name="my_tf_config")
def _config(answer):
    three = ["a.example.org:12345", "b.example.org:12345", "c.example.org:23456"]
    return check_function(
        answer, _tf_config, _hosts, name="my_tf_config", compare=_same_config,
        edges=[("the chief, index 0", (three, 0)), ("the last worker", (three, 2)),
               ("a cluster of one worker", (["localhost:2222"], 0))])


def _contributions(w, b, x, y, n_replicas):
    return [softmax_gradient(w, b, xs, ys)[0] * len(ys) / len(y)
            for xs, ys in zip(np.array_split(x, n_replicas), np.array_split(y, n_replicas),
                              strict=True)]


def _same_list(got, expected):
    if not isinstance(got, list | tuple) or len(got) != len(expected):
        n = len(got) if isinstance(got, list | tuple) else None
        return (f"returned {validate.describe(got)} ({n} entries); return a list with one "
                f"contribution per replica ({len(expected)})")
    for k, (g, e) in enumerate(zip(got, expected, strict=True)):
        g = np.asarray(g, dtype=float)
        if g.shape != e.shape:
            return f"replica {k}'s contribution has shape {g.shape}, expected {e.shape}"
        if not np.allclose(g, e, rtol=1e-7, atol=1e-12):
            return (f"replica {k}'s contribution is off (largest difference "
                    f"{np.max(np.abs(g - e)):.3g}); consecutive np.array_split shards, each mean "
                    f"gradient times its share of the global batch")
    return None


def _batch(rng, m, n_replicas, classes=3):
    return (rng.normal(size=(5, classes)), rng.normal(size=classes), rng.normal(size=(m, 5)),
            rng.integers(0, classes, m), n_replicas)


@exercise("18.2", name="my_shard_contributions")
def _shards(answer):
    rng = np.random.default_rng(182)
    return check_function(
        answer, _contributions,
        lambda r: _batch(r, int(r.integers(4, 40)), int(r.integers(1, 5))),
        name="my_shard_contributions", compare=_same_list,
        edges=[("an uneven split, 10 examples on 3 replicas (4, 3, 3)", _batch(rng, 10, 3)),
               ("one replica (its contribution is the full gradient)", _batch(rng, 6, 1)),
               ("an even split, 8 examples on 2 replicas", _batch(rng, 8, 2))])


RAGGED_OPTIONS = ["round-off only", "a real difference"]


@exercise("18.3", name="my_ragged_answer")
def _ragged(answer, *, gap, weight_change):
    if answer is None:
        return not_yet("my_ragged_answer", f"pick one of {RAGGED_OPTIONS}")
    if gap is None:
        return not_yet("my_ragged_gap", "train both runs at the ragged batch and compare them")
    gap = float(gap)
    correct = "round-off only" if gap < 1e-3 * float(weight_change) else "a real difference"
    below = "under" if correct == "round-off only" else "not under"
    seen = (f"your gap is {below} a thousandth of how far training moved the weights (claim 25's "
            f"test for round-off)")  # no measured numbers: the check cell is a checked output
    return check_choice(answer, correct, RAGGED_OPTIONS, name="my_ragged_answer",
                        explanations={o: seen for o in RAGGED_OPTIONS},
                        why_right=seen[0].upper() + seen[1:] + ".")
