"""Inspections, their framework profile, timeline and team."""
