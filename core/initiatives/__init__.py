"""Initiatives (sáng kiến, giải pháp): submitted by chat, reviewed by the unit's officers,
rewarded from the grassroots unit's agreed table."""
