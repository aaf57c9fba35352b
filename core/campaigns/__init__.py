"""Emulation campaigns: created, launched and closed by officers within their unit subtree."""
