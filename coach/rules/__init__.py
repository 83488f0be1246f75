"""Rules as data: the pack model and loader, the phrase notation, word classes, the guideline
catalogue, the language profiles, rule examples, the lint, the rule-book cache and the rule
kinds (one module each in ``coach.rules.kinds``)."""
