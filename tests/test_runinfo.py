"""Sealed JSON files: a changed byte is refused, also one in the checksum field's own name."""

from __future__ import annotations

import json

import pytest

from ohlora.errors import OhloraError
from ohlora.properties.normalise import Normalisation
from ohlora.runinfo import check_sealed, sealed

STATS = {
    "format": "ohlora-normalisation/1",
    "columns": [{"column": "alg1.eyes", "mean": 10.7, "std": 2.3, "count": 571}],
}


def _write(tmp_path, obj) -> object:
    path = tmp_path / "normalisation.json"
    path.write_text(json.dumps(obj, indent=2))
    return path


def test_a_damaged_checksum_name_does_not_pass_as_a_file_from_before_checksums(tmp_path):
    good = sealed(STATS)
    assert Normalisation.load(_write(tmp_path, good)).columns == ["alg1.eyes"]
    # the case the fuzz test found: one flip in the seal's name, one in a column's name
    renamed = {"bhecksum" if k == "checksum" else k: v for k, v in good.items()}
    renamed["columns"] = [{**STATS["columns"][0], "column": "`lg1.eyes"}]
    with pytest.raises(OhloraError, match="name of its checksum field is damaged"):
        Normalisation.load(_write(tmp_path, renamed))
    for name in ("chekcsum", "checksun", "checksuM"):
        with pytest.raises(OhloraError, match="damaged"):
            check_sealed({**STATS, name: good["checksum"]}, tmp_path / "x.json", "redo")
    with pytest.raises(OhloraError, match="checksum does not match"):
        check_sealed({**good, "format": "ohlora-normalisation/2"}, tmp_path / "x.json", "redo")


def test_files_from_before_checksums_and_other_keys_still_load(tmp_path):
    assert Normalisation.load(_write(tmp_path, STATS)).columns == ["alg1.eyes"]
    check_sealed({**STATS, "channels": [1, 2], "checks": 1}, tmp_path / "x.json", "redo")
