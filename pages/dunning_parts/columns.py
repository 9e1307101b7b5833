"""The run's tables: readable column names, money as money, hidden keys."""

from __future__ import annotations

from ui.components import date_column, money_column

LETTER_COLUMNS = {
    "letter_id": None,
    "run_id": None,
    "customer_id": "Customer",
    "customer_name": "Name",
    "language": "Language",
    "level": "Level",
    "kind": "Letter",
    "currency": "Currency",
    "open": money_column("Overdue"),
    "credits": money_column("Credits"),
    "interest": money_column("Interest"),
    "compensation": money_column("Compensation"),
    "total": money_column("Total"),
    "removed_reason": "Removed because",
    "contact_id": None,
}
LINE_COLUMNS = {
    "line_id": None,
    "letter_id": None,
    "customer_id": "Customer",
    "_item_key": None,
    "doc_no": "Document",
    "due_date": date_column("Due"),
    "amount": money_column("Amount"),
    "days_overdue": "Days overdue",
    "interest": money_column("Interest"),
    "is_credit": "Credit",
    "level": "Level now",
    "previous_level": "Level before",
    "removed_reason": "Removed because",
}
