"""Evidence items against the framework's proposals, the evidence board and the day's summary."""
