"""Reports for officers: initiatives and commendations of the units in their scope."""
