"""``python -m helpers.distributed --index i --out FOLDER ...``: one worker process (see ``worker``)."""

from helpers.distributed.worker import worker_main

if __name__ == "__main__":
    worker_main()
