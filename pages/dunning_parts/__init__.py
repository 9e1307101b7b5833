"""Sections of the Dunning page: the overview, the run (propose, review, release, download), blocks
and the procedure editor."""
