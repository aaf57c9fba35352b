"""Messenger adapters: verify and parse webhooks, send through platform APIs."""
