"""A person's rights over their data across every feature: /forget erases the person and keeps
the union's records pseudonymous; /mydata shows what is kept. It reads every feature's tables,
so it sits above them (nothing in core imports it)."""
