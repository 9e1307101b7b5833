"""Streamlit glue shared by app.py and the pages: resources, the page guard, display formatting."""
