"""Staff and supervisor accounts: passwords, TOTP, roles and jurisdiction."""
