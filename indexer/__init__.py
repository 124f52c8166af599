"""Reads and validates corpora of service cards and builds published index generations."""
