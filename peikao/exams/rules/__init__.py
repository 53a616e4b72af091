"""Pure policy of exams (no Django), one module per part."""
