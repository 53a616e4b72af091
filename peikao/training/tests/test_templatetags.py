"""The state badge of plans and classes: one colour per state, grey for the rest."""

import pytest

from peikao.training.templatetags.training_tags import status_badge


@pytest.mark.parametrize(
    ("status", "colour"),
    [
        ("approved", "text-bg-success"),
        ("filed", "text-bg-success"),
        ("in_progress", "text-bg-success"),
        ("submitted", "text-bg-info"),
        ("returned", "text-bg-warning"),
        ("suspended", "text-bg-warning"),
        ("draft", "text-bg-secondary"),
        ("finished", "text-bg-secondary"),
    ],
)
def test_each_state_has_its_colour(status, colour):
    assert status_badge(status, "<标签>") == (
        f'<span class="badge pk-status-badge {colour}" data-status="{status}">&lt;标签&gt;</span>'
    )
