"""Models for network."""
