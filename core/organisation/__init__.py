"""The union as it is: its tree of units and its rosters of members, taken from the
spreadsheets unions already keep (issue #16). This first part reads and checks roster rows;
storing, matching and the officers' pages build on it."""
