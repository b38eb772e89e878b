"""Spaced review: concept cards per topic, scheduled with FSRS."""
