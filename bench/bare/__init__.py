"""The bare baseline of bench/exam_day.py: one table, one view that inserts one row."""
