"""Officers managing the members of their units: read, correct, move, remove (the web desk
and the admin API), each change recorded in `member_change`."""
