"""Write learner copies of the lessons, answers blanked (make exercises): see tools/learner_copies.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a plain checkout too

from tools.learner_copies import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
