"""Every feature's models, found by discovery, so the metadata is complete (migrations, schema tests)."""
from portal.features import import_models

import_models()
