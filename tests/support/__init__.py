"""What tests share, written once: no test module imports another, they all import from here.

accounts (staff accounts, signing in), forms (CSRF-token posting), fixtures and mail (pytest
plugins registered in tests/conftest.py), and factories for each kind of record: complaints,
institutions, blacklist, disclosures, typical, inspections, supervisors; apps, databases, files and
pages for building apps, throw-away databases, evidence files and reading pages.
"""
