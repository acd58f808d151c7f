"""Pre-annotation: suggestions from gazetteers, rules, the corpus's own spans and spaCy."""
