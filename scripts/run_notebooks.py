"""Execute the lessons headlessly (make run, notebooks, bench, rerun, sweep): see tools/runner.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a plain checkout too

from tools.runner import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
