"""Load records into DuckDB: tables forms, indicators, goals, checks, and views.

Loading is an upsert by form_id: a form loaded again replaces its rows in
every table, so reloading a rerun never duplicates anything. Column types
are the Parquet tables' (`writers`): BIGINT, DOUBLE for money in yuan,
BOOLEAN, VARCHAR (dates as YYYY-MM); the views keep to them (no HUGEINT sums).
A warehouse an older jixiao made is brought up to date on load: new columns
are added, columns whose type changed are converted.
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from jixiao.arrow_tables import SCHEMAS
from jixiao.schemas.errors import JixiaoError
from jixiao.schemas.form import Form
from jixiao.writers import rows

VIEWS = {
    "funds_by_issuer_year": """
        SELECT department_name AS issuer, fiscal_year, count(*) AS forms,
               sum(funds_total_yuan) AS total_yuan
        FROM forms GROUP BY ALL ORDER BY issuer, fiscal_year""",
    "indicators_missing_value": """
        SELECT f.project_name, f.source_path, i.position, i.level2, i.name, i.line, i.page
        FROM checks c JOIN forms f USING (form_id)
        JOIN indicators i ON i.form_id = c.form_id AND i.position = c.indicator
        WHERE c.code = 'missing_value' ORDER BY f.source_path, f.source_form_index, i.position""",
    "forms_failing_checks": """
        SELECT f.source_path, f.project_name, c.code, c.severity, c.message
        FROM checks c JOIN forms f USING (form_id)
        WHERE c.severity IN ('error', 'warning') ORDER BY f.source_path, f.source_form_index, c.position""",
}


class NotAWarehouse(JixiaoError):
    """The database file cannot be opened (not a DuckDB file, a folder, an unwritable place)."""


def _migrate(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Bring table `name` of a warehouse an older jixiao made to this version's columns.

    A new column is added (the rows loaded before get nulls); a column whose
    type changed (money from BIGINT to DOUBLE) is converted in place.
    """
    present = {row[0]: row[1] for row in con.execute(f"DESCRIBE {name}").fetchall()}
    for column, kind, *_ in con.execute(f"DESCRIBE incoming_{name}").fetchall():
        if column not in present:
            con.execute(f'ALTER TABLE {name} ADD COLUMN "{column}" {kind}')
        elif present[column] != kind:
            con.execute(f'ALTER TABLE {name} ALTER "{column}" TYPE {kind}')


def load(forms: list[Form], db: Path) -> dict[str, int]:
    """Upsert `forms` into the database file `db`; returns row counts per table."""
    by_table = rows(f.model_dump(mode="json") for f in forms)
    tables = {name: pa.Table.from_pylist(table_rows, schema=SCHEMAS[name]) for name, table_rows in by_table.items()}
    try:
        con = duckdb.connect(str(db))
    except duckdb.Error as exc:
        raise NotAWarehouse(f"{db}: cannot open as a DuckDB database ({exc})") from exc
    try:
        con.execute("BEGIN")
        for name, table in tables.items():
            con.register(f"incoming_{name}", table)
            con.execute(f"CREATE TABLE IF NOT EXISTS {name} AS SELECT * FROM incoming_{name} WHERE false")
            _migrate(con, name)
            con.execute(f"DELETE FROM {name} WHERE form_id IN (SELECT form_id FROM incoming_forms)")
            con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM incoming_{name}")
        for view, sql in VIEWS.items():
            con.execute(f"CREATE OR REPLACE VIEW {view} AS {sql}")
        con.execute("COMMIT")
        return {name: con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0] for name in tables}
    finally:
        con.close()
