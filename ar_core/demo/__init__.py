"""The demo generator: realistic FBL5N extracts, a customer master and workflow stories."""

from __future__ import annotations

from ar_core.facade import lazy

#: Public name -> the module of this package that defines it.
_EXPORTS: dict[str, str] = {
    "CUSTOMER_FILE": "build",
    "DEFAULT_ITEMS": "build",
    "DEFAULT_LAST_AS_OF": "build",
    "DEMO_FOLDER": "build",
    "DEMO_LETTERHEAD": "build",
    "Format": "build",
    "build_ledger": "build",
    "demo_customer_count": "build",
    "demo_files": "build",
    "generate_demo": "build",
    "generate_fbl5n_file": "build",
    "load_demo_if_empty": "build",
    "week_formats": "build",
    "DEMO_USERS": "customers",
}
__getattr__, __dir__ = lazy(__name__, _EXPORTS)
