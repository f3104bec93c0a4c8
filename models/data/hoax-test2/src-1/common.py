# Shared collector for the hand-written acts.
ROWS = []

def p(claim, cat, kind, plat, lab, reg, text, ctx=None):
    ROWS.append((claim, cat, kind, plat, lab, reg, text, ctx))
