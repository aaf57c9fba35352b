"""Persistence: engine, the inbound and outbox tables, conversation state, small stores."""
