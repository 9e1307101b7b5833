"""Reading ERP receivables extracts into canonical items, with every problem reported as a value,
and the column mappings a lead saves for the next upload.

Public API: :func:`read_extract`, :func:`read_customer_master`, :func:`source_headers`,
:func:`validation_report_xlsx`, :func:`spool` (a validated extract parked on disk until Commit),
:func:`read_customer_list` (a customer's own open-items list, for a reconciliation),
:class:`Mapping`, :class:`Problem`, :class:`ExtractResult`, and the saved mappings.
"""

from __future__ import annotations

from ar_core.facade import lazy

# A name equal to its module's name must be bound eagerly: importing the submodule would
# otherwise set the package attribute to the module.
from ar_core.ingest.spool import spool  # noqa: F401 - a public name

#: Public name -> the module of this package that defines it.
_EXPORTS: dict[str, str] = {
    "read_customer_master": "customers",
    "read_bank_file": "bank",
    "iban_check_digits": "bank",
    "iban_valid": "bank",
    "LIST_LABELS": "customer_list",
    "SIGNS": "customer_list",
    "Sign": "customer_list",
    "THEIR_SCHEMA": "customer_list",
    "read_customer_list": "customer_list",
    "Mapping": "mapping",
    "read_extract": "reader",
    "validation_report_xlsx": "report",
    "ExtractResult": "result",
    "FileTotals": "result",
    "Problem": "result",
    "source_headers": "sources",
    "SpooledExtract": "spool",
    "delete_mapping": "saved_mappings",
    "get_mapping": "saved_mappings",
    "list_mappings": "saved_mappings",
    "save_mapping": "saved_mappings",
    "spool": "spool",  # bound eagerly above
}
__getattr__, __dir__ = lazy(__name__, _EXPORTS)
