"""Evidence items against the framework's headings, the evidence board and the day's summary."""
