"""spaCy side of coach: custom attributes, context analysis and the ``coach_*`` factories."""
