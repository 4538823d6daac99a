"""How many workers `python -m app.serve` starts by default: the usable cores, capped by a
container's CPU quota."""

import os
from pathlib import Path

import pytest

from app.core.settings import Settings
from app.serve import usable_cores, worker_count

AFFINITY = len(os.sched_getaffinity(0))


def cpu_max(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cpu.max"
    path.write_text(text)
    return path


def test_without_a_cgroup_file_it_is_the_affinity(tmp_path: Path) -> None:
    assert usable_cores(tmp_path / "missing") == AFFINITY


def test_an_unlimited_cgroup_leaves_the_affinity(tmp_path: Path) -> None:
    assert usable_cores(cpu_max(tmp_path, "max 100000\n")) == AFFINITY


@pytest.mark.parametrize(("quota", "cores"), [(50_000, 1), (100_000, 1), (150_000, 2)])
def test_a_quota_caps_it_rounded_up(tmp_path: Path, quota: int, cores: int) -> None:
    assert usable_cores(cpu_max(tmp_path, f"{quota} 100000\n")) == min(cores, AFFINITY)


def test_a_quota_above_the_affinity_does_not_raise_it(tmp_path: Path) -> None:
    assert usable_cores(cpu_max(tmp_path, f"{(AFFINITY + 4) * 100_000} 100000\n")) == AFFINITY


def test_the_setting_wins(tmp_path: Path) -> None:
    settings = Settings(jwt_secret="x" * 32, workers=3)
    assert worker_count(settings) == 3


def test_zero_means_one_per_usable_core() -> None:
    assert worker_count(Settings(jwt_secret="x" * 32, workers=0)) == usable_cores()
