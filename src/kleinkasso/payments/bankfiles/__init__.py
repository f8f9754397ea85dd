"""bankfiles package."""
