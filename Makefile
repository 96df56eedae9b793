# Every target sets itself up: the first one you run creates .venv from requirements.txt.
# `make run` executes every lesson and writes a report; `make test` is what CI runs.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
NB     ?= notebooks/*.ipynb

# The same numerical environment for saving outputs, running, and testing (see README, "Reproducibility").
export TF_CPP_MIN_LOG_LEVEL   := 3
export TF_ENABLE_ONEDNN_OPTS  := 0
export TF_NUM_INTRAOP_THREADS := 2
export TF_NUM_INTEROP_THREADS := 2
export PYTHONHASHSEED         := 0
export OPENBLAS_NUM_THREADS   := 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1

# `make test` runs the lessons in a deliberately different numeric environment from the one their
# outputs were saved in (1 TensorFlow thread instead of 2; numpy without its AVX-512 kernels where
# the CPU has them), so a checked cell that a CPU or thread count can move fails here first.
TEST_NUMERICS := TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 \
  $(if $(shell grep -qsw avx512f /proc/cpuinfo && echo y),NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL")
# Test files longest first (seconds of the last run here, else of benchmarks/notebook_times.md; files
# of unknown time first), never reordered by xdist: tools/balance.py, which also prints how long each
# worker idled. The order before it, to compare:
# make test TEST_ORDER="--balance-order collection"
TEST_ORDER ?= --no-loadscope-reorder
# No network but loopback while lessons and tests run (a namespace where possible; see the script).
OFFLINE := scripts/offline_exec.sh
SEEDS ?= 1 2 3 4 5 6 7 8
ARGS  ?=
# make claims / make sweep run their (lesson, seed) tasks on Dask: a local cluster of WORKERS
# processes, or the existing cluster at SCHEDULER=tcp://host:8786 (then the workers need the network
# to reach it, so only the Python guard in every kernel keeps the lessons offline: no namespace).
SCHEDULER ?=
WORKERS   ?= 2
CLUSTER   := $(if $(SCHEDULER),--scheduler $(SCHEDULER),--workers $(WORKERS))
DASK_RUN  := $(if $(SCHEDULER),,$(OFFLINE))
# make bench BASE=<commit>: that commit's lessons and the working tree's, side by side
BASE ?=

.PHONY: help venv lock lab run test unit notebooks bench seeds rerun sweep claims exercises pretrained lint data clean

help:
	@echo "make run        set up, execute every lesson headlessly, write build/run_report.md"
	@echo "make lab        set up, open JupyterLab on the lessons"
	@echo "make test       set up, run unit tests and nbval over every notebook (what CI runs)"
	@echo "make unit       the unit tests of helpers and tools only (no notebooks)"
	@echo "make notebooks  re-execute every lesson and save its outputs in place (NB=notebooks/05_*.ipynb for one)"
	@echo "make bench      time each lesson (s and reference units, memory, slowest cells) -> benchmarks/notebook_times.md"
	@echo "                BASE=<commit>: that commit's lessons and the working tree's side by side, with ratios"
	@echo "make seeds      rerun every lesson with seeds 7 and 123 (papermill); claims must still hold"
	@echo "make rerun      NB=13 ARGS=\"-p seed 7 -p n_per_class 20\": one lesson with other parameters -> runs/"
	@echo "make sweep      NB=09 SEEDS=\"1 2 3 4 5 6 7 8\": one lesson at each seed; claims held and key figures -> runs/"
	@echo "make claims     every lesson at seeds 1..20 -> benchmarks/claims.md (NB=13: that lesson's rows only)"
	@echo "                on a Dask cluster: SCHEDULER=tcp://host:8786 (default: a local one, WORKERS=2)"
	@echo "make exercises  write every lesson with the exercise answers removed to exercises/"
	@echo "make data       regenerate data/ files and data/MANIFEST.sha256 (a shipped model keeps its recorded checksum)"
	@echo "make pretrained render letters, pretrain lesson 13's base, rewrite data/letters_cnn.keras and the manifest"
	@echo "make lint       ruff over helpers, tools, tests, scripts and notebooks"
	@echo "make venv       only set up .venv (every target does it the first time)"
	@echo "make lock       after editing requirements.txt: pin every package into requirements.lock"
	@echo "make clean      remove build/, exercises/ and caches"

venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' 2>/dev/null || { \
	  echo "error: this companion needs Python 3.11; PYTHON='$(PYTHON)' is" \
	    "$$($(PYTHON) --version 2>&1 || echo 'not a working Python')."; \
	  echo "  Install Python 3.11 and run again, or pass one: make $(MAKECMDGOALS) PYTHON=/path/to/python3.11"; \
	  exit 1; }
	$(PYTHON) -m venv --clear $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check $$(grep -E '^uv==' requirements.lock)
	@# --compile-bytecode: every package is installed with its .pyc files, so a kernel imports
	@# TensorFlow from bytecode (~5 s) even where PYTHONDONTWRITEBYTECODE=1 would make each process
	@# compile it again (~20 s), as it is set on some CI machines.
	$(VENV)/bin/uv pip sync --quiet --compile-bytecode --python $(PY) requirements.lock
	$(VENV)/bin/uv pip install --quiet --python $(PY) --no-deps -e .
	@# ... and so are the files compiled after the sync: the project's own packages (an editable
	@# install is not compiled by uv) and the editable install's finder in site-packages
	$(PY) -m compileall -q helpers tools
	$(PY) -c "import compileall, sysconfig; compileall.compile_dir(sysconfig.get_paths()['purelib'], maxlevels=0, quiet=1)"
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ipykernel)" >/dev/null
	@# JupyterLab settings for this venv only: no "get notified about Jupyter news?" prompt, no update check
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp scripts/jupyterlab-overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	@touch $(STAMP)

# After editing requirements.txt: pin every package, transitive ones too, for every platform.
lock: $(STAMP)
	$(VENV)/bin/uv pip compile --quiet --universal --python-version 3.11 requirements.txt -o requirements.lock

lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks/

run: $(STAMP)
	$(OFFLINE) $(PY) scripts/run_notebooks.py --report build/run_report.md $(NB)

test: $(STAMP)
	$(TEST_NUMERICS) $(OFFLINE) $(PY) -m pytest -n 2 --dist loadfile $(TEST_ORDER) \
		--nbval-lax --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout 600 tests notebooks

unit: $(STAMP)
	$(PY) -m pytest tests

notebooks: $(STAMP)
	$(OFFLINE) $(PY) scripts/run_notebooks.py --in-place $(NB)

bench: $(STAMP)
	$(OFFLINE) $(PY) scripts/run_notebooks.py --bench benchmarks/notebook_times.md $(if $(BASE),--base $(BASE)) $(NB)

seeds: $(STAMP)
	$(OFFLINE) $(PY) scripts/run_notebooks.py --report build/seed_7_report.md -p seed 7 $(NB)
	$(OFFLINE) $(PY) scripts/run_notebooks.py --report build/seed_123_report.md -p seed 123 $(NB)

rerun: $(STAMP)
	@test -n "$(filter-out notebooks/*.ipynb,$(NB))" || { echo 'usage: make rerun NB=13 ARGS="-p seed 7"'; exit 2; }
	$(OFFLINE) $(PY) scripts/run_notebooks.py --rerun $(NB) $(ARGS)

sweep: $(STAMP)
	@test -n "$(filter-out notebooks/*.ipynb,$(NB))" || { echo 'usage: make sweep NB=09 SEEDS="1 2 3 4"'; exit 2; }
	$(DASK_RUN) $(PY) scripts/run_notebooks.py --sweep $(NB) --seeds $(SEEDS) $(CLUSTER) $(ARGS)

# The 20-seed ledger (all lessons, or NB="13 14"); SEEDS="..." given here overrides 1..20.
claims: $(STAMP)
	$(DASK_RUN) $(PY) scripts/run_notebooks.py --claims $(filter-out notebooks/*.ipynb,$(NB)) \
		$(if $(filter command line,$(origin SEEDS)),--seeds $(SEEDS)) $(CLUSTER) $(ARGS)

exercises: $(STAMP)
	$(PY) scripts/make_exercises.py --out exercises $(NB)

data: $(STAMP)
	$(PY) -m tools.manifest

lint: $(STAMP)
	$(VENV)/bin/ruff check helpers tools tests scripts conftest.py
	$(VENV)/bin/ruff check notebooks

clean:
	rm -rf build exercises .pytest_cache .ruff_cache

pretrained: $(STAMP)
	$(PY) -m tools.pretrain
