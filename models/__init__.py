"""Election profiles, entity matching, datasets, fine-tuning, inference and evaluation."""
