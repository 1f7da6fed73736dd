"""Complaints and reports (投诉举报): intake, tracking by receipt, and the case file."""
