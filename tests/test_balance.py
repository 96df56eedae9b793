"""The test-run balance plugin (tools.balance): longest notebooks first, per-worker idle time."""

from types import SimpleNamespace

from tools import balance


def _item(nodeid):
    return SimpleNamespace(nodeid=nodeid)


def test_unknown_files_first_then_longest_first_items_kept_together_and_in_order():
    items = [_item(n) for n in ("tests/test_a.py::t1", "notebooks/01_x.ipynb::Cell 0",
                                "notebooks/01_x.ipynb::Cell 1", "tests/test_b.py::t",
                                "notebooks/13_y.ipynb::Cell 0", "tests/test_a.py::t2",
                                "notebooks/13_y.ipynb::Cell 1", "notebooks/13_y.ipynb::wrong answers")]
    ordered = [i.nodeid for i in balance.order_items(items, {"01_x.ipynb": 10.0, "13_y.ipynb": 60.0})]
    # unknown (unit test) files first, as collected; then the notebooks, longest first
    assert ordered == ["tests/test_a.py::t1", "tests/test_a.py::t2", "tests/test_b.py::t",
                       "notebooks/13_y.ipynb::Cell 0", "notebooks/13_y.ipynb::Cell 1",
                       "notebooks/13_y.ipynb::wrong answers", "notebooks/01_x.ipynb::Cell 0",
                       "notebooks/01_x.ipynb::Cell 1"]


def test_timer_counts_busy_idle_and_the_wait_at_the_end():
    timer = balance.BalanceTimer()
    timer.started = 1000.0

    def report(worker, nodeid, duration, stop):
        node = SimpleNamespace(gateway=SimpleNamespace(id=worker))
        timer.pytest_runtest_logreport(SimpleNamespace(node=node, nodeid=nodeid, duration=duration,
                                                       stop=stop))

    report("gw0", "notebooks/13_y.ipynb::Cell 0", 80.0, 1085.0)
    report("gw1", "notebooks/01_x.ipynb::Cell 0", 30.0, 1035.0)
    report("gw1", "tests/test_a.py::t", 20.0, 1060.0)
    figures = timer.figures(ended=1090.0)
    gw0, gw1 = figures["workers"]["gw0"], figures["workers"]["gw1"]
    assert figures["wall"] == 90.0
    assert (gw0["busy"], gw0["idle"], gw0["waited_at_end"]) == (80.0, 10.0, 5.0)
    assert (gw1["busy"], gw1["idle"], gw1["waited_at_end"], gw1["files"]) == (50.0, 40.0, 30.0, 2)
    assert figures["files"] == {"notebooks/13_y.ipynb": 80.0, "notebooks/01_x.ipynb": 30.0,
                                "tests/test_a.py": 20.0}
    assert balance.summary_line(figures) == (
        "worker balance: wall 90 s; gw0 busy 80 s, idle 10 s (waited 5 s at the end); "
        "gw1 busy 50 s, idle 40 s (waited 30 s at the end)")


def test_last_run_times_win_over_the_bench_table():
    items = [_item("tests/test_slow.py::t"), _item("notebooks/01_x.ipynb::Cell 0"),
             _item("tests/test_fast.py::t")]
    ordered = balance.order_items(items, {"01_x.ipynb": 10.0, "notebooks/01_x.ipynb": 5.0,
                                          "tests/test_slow.py": 70.0})
    assert [i.nodeid for i in ordered] == ["tests/test_fast.py::t", "tests/test_slow.py::t",
                                           "notebooks/01_x.ipynb::Cell 0"]
