"""The registry officers' pages: institutions (`institutions.py`) and imports (`imports.py`)."""
