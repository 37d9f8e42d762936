"""Models for incentives."""
