"""After publication: what the area owes and by when, its uploads and the inspectorates' decisions, the reminders,
and the national view of every local area."""
