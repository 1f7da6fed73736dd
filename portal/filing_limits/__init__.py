"""Limits on filing and following complaints (`service.py`), shared by the complaint form, the
tracking pages, receipt recovery and the API."""
