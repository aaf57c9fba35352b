"""The facebook adapter."""
