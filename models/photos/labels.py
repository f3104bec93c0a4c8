"""What the gesture names read as for reviewers: a table with no imports, so reports and pages can use it."""

# What reviewers read (the review page and the boxes drawn on photos speak Bahasa Indonesia).
GESTURE_LABELS_ID: dict[str, str] = {
    "thumb_up": "jempol",
    "one": "satu jari",
    "two": "dua jari (V)",
    "three": "tiga jari",
    "four": "empat jari",
    "five": "lima jari",
    "finger_heart": "finger heart",
    "finger_gun": "pistol jari",
    "call": "telepon",
    "metal": "metal",
    "ok_three": "OK tiga jari",
    "fist": "kepalan tangan",
    "none": "tanpa gestur",
}
