"""``python -m models.hoax.background``: rewrite the shipped background vectors (after claims.txt changes)."""

from models.hoax.background import main

main()
