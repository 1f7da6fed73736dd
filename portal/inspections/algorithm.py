"""The draw's algorithm, loaded from the standalone script `scripts/verify_draw.py`.

The portal draws, and `flask --app portal inspections verify` checks, with exactly the code
the public downloads: one source, so the published recomputation cannot drift from what the
portal did. The algorithm itself is described in that script's docstring: canonical JSON and
SHA-256 for the two frozen directories, SHA-256(seed) as the commitment, then targets ranked by
HMAC-SHA256(seed, "target:<id>") with Efraimidis–Spirakis weights compared exactly in integers,
and inspectors per target ranked by HMAC-SHA256(seed, "inspector:<target>:<user>"), the first k
not recused. No floating point is involved.
"""
from __future__ import annotations

import importlib.util
import secrets
from types import ModuleType

from portal.config import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "scripts" / "verify_draw.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("portal_verify_draw", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_script = _load()

ALGORITHM: str = _script.ALGORITHM
canonical = _script.canonical
digest = _script.digest
commitment = _script.commitment
compute = _script.compute
team = _script.team
inspector_ranking = _script.inspector_ranking
target_count = _script.target_count
verify = _script.verify
is_seed = _script.is_seed
draw_key = _script.draw_key
normalise_public_value = _script.normalise_public_value


def new_seed() -> str:
    """A fresh seed: 256 random bits as 64 lower-case hex characters."""
    return secrets.token_hex(32)
