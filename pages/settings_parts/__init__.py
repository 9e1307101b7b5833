"""The tabs of the Settings page (pages/settings.py): layout only, rules and checks in ar_core."""

#: Session key: the confirmation shown at the top of the page after a rerun.
NOTICE = "settings_notice"
