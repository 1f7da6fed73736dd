"""Email: messages queued on the database session and sent over SMTP only after it commits."""
