"""What the database remembers about the keys that open its data: a fingerprint of each, never
the key (the table belongs to `portal.security.keyring`, which reads it to choose the current key)."""
from portal.security.keyring import KeyFingerprint

__all__ = ["KeyFingerprint"]
