"""Retention: what an inspection keeps once its letter has been published for the configured period."""
