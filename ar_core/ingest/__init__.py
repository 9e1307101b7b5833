"""Reading ERP receivables extracts into canonical items, with every problem reported as a value.

Public API: :func:`read_extract`, :func:`read_customer_master`, :func:`source_headers`,
:func:`validation_report_xlsx`, :func:`spool` (a validated extract parked on disk until Commit),
:class:`Mapping`, :class:`Problem`, :class:`ExtractResult`.
"""

from __future__ import annotations

from ar_core.ingest.customers import read_customer_master
from ar_core.ingest.mapping import Mapping
from ar_core.ingest.reader import read_extract
from ar_core.ingest.report import validation_report_xlsx
from ar_core.ingest.result import ExtractResult, Problem
from ar_core.ingest.sources import source_headers
from ar_core.ingest.spool import SpooledExtract, spool

__all__ = [
    "ExtractResult",
    "Mapping",
    "Problem",
    "SpooledExtract",
    "read_customer_master",
    "read_extract",
    "source_headers",
    "spool",
    "validation_report_xlsx",
]
