"""Training coach's own weights: the multilabel text classifier behind ``make models``."""
