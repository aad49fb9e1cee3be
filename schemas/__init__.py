"""The data shapes shared by every stage: raw cells in, form records out.

`raw` is what extractors return and the normalizer reads; `form` is the
output contract (CONTRACT.md). Nothing here imports another stage.
"""
from jixiao.schemas.form import (
    SCHEMA_VERSION,
    Attribute,
    AttributeKind,
    Check,
    CheckCode,
    Coded,
    Form,
    Funds,
    Indicator,
    Period,
    Requirement,
    Severity,
    Source,
    SourceFormat,
    Value,
    ValueKind,
)
from jixiao.schemas.raw import RawCell, RawDocument, RawForm

__all__ = [
    "SCHEMA_VERSION", "Attribute", "AttributeKind", "Check", "CheckCode", "Coded", "Form",
    "Funds", "Indicator", "Period", "Requirement", "Severity", "Source", "SourceFormat",
    "Value", "ValueKind", "RawCell", "RawDocument", "RawForm",
]
