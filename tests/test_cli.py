"""The zhibiao command: extract keeps going past bad files; sql is read-only and says what went wrong."""

import json
from pathlib import Path

import duckdb

from pipelines.cli import main


def test_extract_reports_bad_files_and_processes_the_rest(tmp_path: Path, capsys):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "good.txt").write_text("成都市经济和信息化局\n全市5G基站达到6.1万个。\n2023年5月4日", encoding="utf-8")
    (corpus / "empty.txt").write_bytes(b"")
    assert main(["extract", str(corpus), "--facts", str(tmp_path / "f.jsonl"), "--docs", str(tmp_path / "d.jsonl")]) == 0
    err = capsys.readouterr().err
    assert "quarantined" in err and "empty.txt" in err and "1 documents, 1 facts, 1 quarantined" in err
    fact = json.loads((tmp_path / "f.jsonl").read_text(encoding="utf-8"))
    assert (fact["doc"], fact["value"], fact["unit"], fact["region"]) == ("good", 61000, "个", "成都市")


def test_sql_is_read_only_and_reports_errors(tmp_path: Path, capsys):
    db = tmp_path / "w.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create table t as select 1 as x")
    assert main(["sql", "select x from t", "--warehouse", str(db)]) == 0
    assert "(1 row)" in capsys.readouterr().out
    assert main(["sql", "drop table t", "--warehouse", str(db)]) == 1
    assert "read-only" in capsys.readouterr().err.lower()
    assert main(["sql", "select nope from t", "--warehouse", str(db)]) == 1
    assert main(["sql", "select 1", "--warehouse", str(tmp_path / "missing.duckdb")]) == 2
    assert "run `zhibiao run` first" in capsys.readouterr().err
