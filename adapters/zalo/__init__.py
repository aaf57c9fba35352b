"""The zalo adapter."""
