"""helpers.distributed.devices: the CPU split into logical devices."""


import pytest

from helpers import distributed as dist


def test_split_cpu_refuses_bad_counts():
    for bad, error in [(0, ValueError), (2.0, TypeError), ("2", TypeError), (1000, ValueError)]:
        with pytest.raises(error):
            dist.split_cpu(bad)
