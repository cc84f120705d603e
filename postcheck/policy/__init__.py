"""Policy: packs and configuration decide severity, clauses and fixes. Never imports spaCy."""
