"""tools: what runs, checks and reports the lessons (the maintainers' package; lessons never import it).

- ``runner``          execute lessons headlessly: save them in place, run reports, reruns (``make run``...)
- ``reports``         markdown and self-contained HTML reports of executed lessons, sweep and bench tables
- ``cluster``         (lesson, seed) tasks on Dask's distributed scheduler (``make sweep``, ``make claims``)
- ``ledger``          the 20-seed claims ledger, ``benchmarks/claims.md`` and ``.json`` (``make claims``)
- ``bench``           lesson times in seconds and reference units, side by side with a commit (``make bench``)
- ``balance``         pytest plugin: longest notebooks first over xdist workers, per-worker idle time
- ``learner_copies``  blank the exercise answers for learners (``make exercises``)
- ``offline``         the guard that refuses non-loopback connections, DNS look-ups and download tools
- ``manifest``        regenerate ``data/`` files and ``data/MANIFEST.sha256`` (``make data``)
- ``pretrain``        pretrain lesson 13's base model and ship it (``make pretrained``)

``tools`` may import ``helpers``; ``helpers`` never imports ``tools``. ``scripts/`` holds thin
command-line entry points (and the shell script that starts a loopback-only network namespace).
"""
