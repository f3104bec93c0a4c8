"""Netra's labelled data: label guide, election profiles of the data, train and dev JSONL."""
