"""Models for merchants."""
