"""Payment plans."""

from __future__ import annotations

import streamlit as st

from ui.guard import require

actor = require()
st.title("Payment plans")
