"""Retention: the record of each purge (what went, what counts were kept). The purge itself is a flow
(app/flows/purge.py): it spans every domain."""
