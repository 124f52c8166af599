"""The national e-readiness report as the API and the command line show it: the generation's
report (store/report.py, computed once when the generation is loaded), an agency's page, the
history (store/report_history.py) and the tables as CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from store import report_history
from store.report import STAGES, Report

# `by` → the report's table.
TABLES = {"agency": "by_agency", "parent": "by_parent", "cluster": "by_cluster"}
CSV_COLUMNS = (
    "rank",
    "count",
    "e_readiness",
    *STAGES,
    "fully_electronic",
    "information_only",
    "complete_share",
)
BOM = "\ufeff"  # spreadsheet programs read a CSV without it in the local code page, not as UTF-8


def rows(report: Report, by: str) -> list[dict]:
    return report.national[TABLES[by]]


def history(report: Report, root: Path, *, agency: str | None = None, parent: str | None = None) -> list[dict]:
    """The series of one agency, one ministry or the nation, oldest first.

    The serving generation is always in it: the indexer appends its entry right after publishing,
    so a server may load the generation a moment before the line is there."""
    entries = report_history.read(root)
    if not any(e["generation"] == report.national["generation"] for e in entries):
        entries.append(report.summary())
    entries.sort(key=lambda e: e["published_at"])
    return report_history.series(entries, agency=agency, parent=parent)


def history_json(report: Report, root: Path, *, agency: str | None = None, parent: str | None = None) -> dict:
    return {
        "generation": report.national["generation"],
        "agency": agency,
        "parent": parent,
        "series": history(report, root, agency=agency, parent=parent),
    }


def agency_json(report: Report, root: Path, name: str) -> dict | None:
    """One agency's page: its figures, its cards with their stages and failed checks, its
    inquiries and its history; None for an agency that has no services in this generation."""
    page = report.agencies.get(name)
    if page is None:
        return None
    return {**page, "history": history(report, root, agency=name)}


def csv_text(report: Report, by: str) -> str:
    """One table as CSV (UTF-8 with a byte-order mark): one row per agency, ministry or cluster."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    header = [by, *(["parent"] if by == "agency" else []), *CSV_COLUMNS]
    writer.writerow(header)
    for row in rows(report, by):
        values = [row["value"], *([row.get("parent") or ""] if by == "agency" else [])]
        for column in CSV_COLUMNS:
            values.append(row["stages"][column] if column in STAGES else row[column])
        writer.writerow(values)
    return BOM + out.getvalue()
