"""Announcements to an audience: reach planning, fan-out to the outbox, delivery reports."""
