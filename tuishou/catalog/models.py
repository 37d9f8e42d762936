"""Models for catalog."""
