import json
from pathlib import Path

SEED_DIR = Path(__file__).resolve().parent.parent / "seed_data"


def read_seed_file(name: str):
    """The project's own copy of what the two notices contain (peikao/seed_data/)."""
    return json.loads((SEED_DIR / name).read_text(encoding="utf-8"))
