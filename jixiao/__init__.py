"""jixiao: budget performance target tables (项目支出预算绩效目标表) to validated records.

Stages: `jixiao.extract` (files to raw cells) -> `jixiao.normalize` (raw
cells to records) -> `jixiao.schemas` (the record contract); this package
joins them (`pipeline`), writes them (`writers`) and offers the CLI.
"""
import os

# onnxruntime (OCR) looks up a telemetry host after import unless told not to.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

__version__ = "0.1.0"
