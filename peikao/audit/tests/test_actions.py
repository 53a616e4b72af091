from peikao.audit.actions import LABELS, Action, action_label


def test_every_action_has_a_chinese_label():
    unlabelled = [action for action in Action if not LABELS.get(action)]
    assert unlabelled == []


def test_a_label_names_one_action():
    labels = list(LABELS.values())
    assert len(labels) == len(set(labels))


def test_a_recorded_action_no_longer_named_shows_as_stored():
    assert action_label("plan.submitted") == "提交培训计划"
    assert action_label("retired.action") == "retired.action"
