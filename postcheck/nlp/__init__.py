"""The spaCy side: building the one pipeline (pipeline.py) and its factories (factories.py)."""
