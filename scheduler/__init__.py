"""APScheduler jobs. The database rows are the truth; jobs take ids or nothing and enqueue."""
