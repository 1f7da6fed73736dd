"""Email notifications: queued on the database session, sent over SMTP only after it commits."""
