"""``scorecard.json``: the documented, versioned contract. Sorted keys, so output is byte-stable."""

from __future__ import annotations

import json

from mlgate.result import Report, report_to_dict


def render_json(report: Report) -> str:
    return (
        json.dumps(report_to_dict(report), indent=2, sort_keys=True, allow_nan=False, ensure_ascii=False)
        + "\n"
    )
