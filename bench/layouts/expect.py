"""The record a rendering must give back: the hand-verified one, changed only where the print changes.

A rendering reprints a hand-verified record's own text, so almost every field
stays equal. Exactly two things a layout can change are what the form says:

- `attachment`: the 附件 line is printed or left out. Left out, the form
  has no attachment (null). Printed for a record that had none, the line
  the drawing printed (`附件3`, the form's place in its document) is the
  form's attachment: a reader can only report what is on the paper.
- `funds` when amounts are printed in 元 (`项目资金（元）`, `500000.00` or
  `500,000.00`): each `*_raw` becomes the printed yuan string (as tidied:
  the comma stays), `unit_declared` becomes 元 because the label says 元,
  and `unit_applied` 元 because the figures are yuan under a 元 label. The
  yuan amounts (`*_yuan`) are the recorded ones: the same money. With the
  label and the figures agreeing, a `funds_unit_mislabelled` check (which
  says they disagree, as on sample 004's forms) no longer holds, so it goes.

Everything else (title, year, names, goals, indicators, values and every
other check) must come back equal: letter spacing, fonts, columns, page
breaks, scans and split value columns change how it looks, not what it says.
"""
from __future__ import annotations

import copy

from bench.layouts.draw import Drawing, amount
from bench.layouts.plan import Plan


def expected_record(drawing: Drawing, plan: Plan) -> dict:
    """The hand-verified record of `drawing`'s form, as this rendering prints it."""
    record = copy.deepcopy(drawing.sample.record)
    record["attachment"] = drawing.attachment
    if plan.amounts != "wan":
        funds = record["funds"]
        for which in ("total", "fiscal", "other"):
            funds[f"{which}_raw"] = amount(drawing.sample.record["funds"], which, plan) or None
        funds["unit_declared"] = funds["unit_applied"] = "元"
        record["checks"] = [c for c in record["checks"] if c["code"] != "funds_unit_mislabelled"]
    return record
