"""The platform-neutral product: members and units, the message path, the features."""
