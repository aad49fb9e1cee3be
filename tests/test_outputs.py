"""Writers and the warehouse: JSON lines, JSON, Parquet read back by pandas and DuckDB."""
from __future__ import annotations

import json

import duckdb
import pandas as pd
import pyarrow as pa

from conftest import SAMPLES
from jixiao import warehouse
from jixiao.arrow_tables import SCHEMAS, parquet_schema
from jixiao.diff import compare
from jixiao.writers import read, write


def _all(sample_forms):
    return [f for stem in sorted(sample_forms) for f in sample_forms[stem]]


def test_jsonl_and_json_round_trip(sample_forms, tmp_path):
    forms = _all(sample_forms)
    for name in ("forms.jsonl", "forms.json"):
        write(forms, str(tmp_path / name))
        assert compare(read(tmp_path / name), forms).ok
    first = json.loads((tmp_path / "forms.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert first["schema_version"] == "1.0" and first["funds"]["total_yuan"] == 500000


def test_parquet_round_trip_with_pandas_and_duckdb(sample_forms, tmp_path):
    forms = _all(sample_forms)
    out = tmp_path / "pq"
    write(forms, str(out))
    frames = {t: pd.read_parquet(out / t) for t in ("forms", "indicators", "goals", "checks")}
    assert sorted(p.name for p in (out / "forms").iterdir()) == ["year=2020", "year=2023", "year=2024", "year=2026"]
    assert len(frames["forms"]) == 50
    assert len(frames["indicators"]) == sum(len(f.indicators) for f in forms)
    assert len(frames["goals"]) == sum(len(f.goals) for f in forms)
    assert frames["forms"]["form_id"].is_unique
    assert set(frames["indicators"]["form_id"]) <= set(frames["forms"]["form_id"])
    query = f"SELECT sum(funds_total_yuan) FROM read_parquet('{out}/forms/*/*.parquet', hive_partitioning=true)"
    total = duckdb.connect().execute(query).fetchone()[0]
    assert total == sum(f.funds.total_yuan or 0 for f in forms)
    assert compare(read(out), forms).ok


def test_duckdb_load_is_an_upsert(sample_forms, tmp_path):
    forms = _all(sample_forms)
    db = tmp_path / "w.duckdb"
    first = warehouse.load(forms, db)
    again = warehouse.load(forms[:10], db)
    assert first == again and first["forms"] == 50
    con = duckdb.connect(str(db), read_only=True)
    by_year = con.execute("SELECT fiscal_year, sum(forms) FROM funds_by_issuer_year GROUP BY 1 ORDER BY 1").fetchall()
    assert by_year == [(2020, 12), (2023, 5), (2024, 29), (2026, 4)]
    missing = con.execute("SELECT name FROM indicators_missing_value").fetchall()
    assert ("新增线路接入完成及时性",) in missing
    failing = con.execute("SELECT count(DISTINCT source_path) FROM forms_failing_checks").fetchone()[0]
    assert failing == 5
    con.close()


def test_loading_into_a_warehouse_an_older_jixiao_made_adds_the_new_columns(sample_forms, tmp_path):
    forms = _all(sample_forms)
    db = tmp_path / "w.duckdb"
    warehouse.load(forms[:5], db)
    con = duckdb.connect(str(db))
    con.execute("DROP VIEW funds_by_issuer_year; DROP VIEW indicators_missing_value; DROP VIEW forms_failing_checks")
    con.execute("ALTER TABLE forms DROP COLUMN source_relpath")  # as version 1.0 made it
    con.execute("ALTER TABLE forms ALTER funds_total_yuan TYPE BIGINT")
    con.close()
    assert warehouse.load(forms, db)["forms"] == 50
    con = duckdb.connect(str(db), read_only=True)
    types = dict(row[:2] for row in con.execute("DESCRIBE forms").fetchall())
    assert "source_relpath" in types and types["funds_total_yuan"] == "DOUBLE"
    con.close()


def test_types_are_the_same_in_every_reader(sample_forms, tmp_path):
    """Nullable integers stay integers, money is one type, dates are YYYY-MM text, no HUGEINT anywhere."""
    forms = _all(sample_forms)
    out, db = tmp_path / "pq", tmp_path / "w.duckdb"
    write(forms, str(out))
    warehouse.load(forms, db)
    frames = {t: pd.read_parquet(out / t) for t in SCHEMAS}
    con = duckdb.connect(str(db), read_only=True)
    for table, schema in SCHEMAS.items():
        stored = dict(row[:2] for row in con.execute(f"DESCRIBE {table}").fetchall())
        for field in schema:
            dtype = str(frames[table][field.name].dtype)
            if field.name.endswith("_yuan"):
                assert (dtype, stored[field.name]) == ("float64", "DOUBLE"), (table, field.name)
            elif field.type == pa.int64():
                assert (dtype, stored[field.name]) == ("Int64", "BIGINT"), (table, field.name)
            elif field.type == pa.bool_():
                assert (dtype, stored[field.name]) == ("boolean", "BOOLEAN"), (table, field.name)
    assert frames["forms"]["funds_other_yuan"].isna().any() and frames["forms"]["source_line_start"].notna().all()
    # The partition key is no field: pandas adds it, and it says the fiscal year.
    forms_frame = frames["forms"]
    assert list(forms_frame.columns) == [*SCHEMAS["forms"].names, "year"]
    assert (forms_frame["year"].astype(str) == forms_frame["fiscal_year"].astype(str)).all()
    months = pd.concat([forms_frame["period_start"], frames["indicators"]["value_end"]]).dropna()
    assert len(months) > 10 and months.str.fullmatch(r"\d{4}-\d{2}").all()
    for view in warehouse.VIEWS:
        kinds = [row[1] for row in con.execute(f"DESCRIBE {view}").fetchall()]
        assert not any("HUGEINT" in k or "INT128" in k for k in kinds), (view, kinds)
    assert con.execute("SELECT typeof(total_yuan) FROM funds_by_issuer_year LIMIT 1").fetchone() == ("DOUBLE",)
    con.close()


def test_department_forms_round_trip_with_their_budget_and_tasks(tmp_path):
    """The budget columns and the tasks table come back from Parquet, and DuckDB holds the tasks."""
    from jixiao.arrow_tables import read_parquet
    from jixiao.pipeline import process_file

    result = process_file(SAMPLES / "realworld" / "zhanjiang-hrss-2024-dept-overall.xlsx")
    out, db = tmp_path / "pq", tmp_path / "w.duckdb"
    write(result.forms, str(out))
    (back,) = read_parquet(out)
    assert back.model_dump() == result.forms[0].model_dump()
    warehouse.load(result.forms, db)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*), sum(yuan) FROM tasks").fetchone() == (3, 188_620_000 + 5_878_100 + 11_400_000)
    assert con.execute("SELECT kind, budget_staff FROM forms").fetchone() == ("department", 737)
    con.close()


def test_parquet_schemas_carry_the_metadata_pandas_gives():
    """The pandas metadata spelled out by `parquet_schema` is what pyarrow writes for a pandas frame of the
    dtypes pandas is to read back: nullable Int64 and boolean, float64, and object for the rest."""
    dtypes = {pa.int64(): "Int64", pa.bool_(): "boolean", pa.float64(): "float64"}
    for name, schema in SCHEMAS.items():
        empty = pd.DataFrame({f.name: pd.Series(dtype=dtypes.get(f.type, object)) for f in schema})
        assert parquet_schema(name) == schema.with_metadata(pa.Schema.from_pandas(empty, preserve_index=False).metadata)
        assert parquet_schema(name).metadata == pa.Schema.from_pandas(empty, preserve_index=False).metadata
