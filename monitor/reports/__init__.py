"""Renderings of the record: the discharge PDF (and, later, exports)."""
