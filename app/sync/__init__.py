"""Offline sync: applying tablets' operations exactly once, the team's change feed, and conflicts."""
