"""The staff pages of random inspections beside the draws (`staff_views.py`)."""
