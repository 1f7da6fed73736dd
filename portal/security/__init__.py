"""Security building blocks shared by every feature: keys, client keys, response headers."""
