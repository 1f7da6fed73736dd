"""Security mechanisms shared by every feature: keys, sealing, receipts, attachments, headers, the audit chain."""
