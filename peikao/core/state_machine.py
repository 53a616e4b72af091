"""State machines as plain tables: each status changes only through a named transition.

Pure (no Django), so that every app's rules.py can declare its machine and a test can walk
every pair of states without a database. `peikao.audit.transitions` applies a transition to a
row: it checks the source and the guard, sets the status, saves and audits.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Transition:
    name: str  # submit, approve, finish ...
    sources: frozenset[str]
    target: str
    action: str  # the audit action recorded when it happens
    label: str  # what a clerk calls it: 提交, 结业


@dataclass(frozen=True)
class StateMachine:
    noun: str  # 培训计划: the thing whose status this is, in refusals
    states: dict[str, str]  # status → its Chinese name
    transitions: tuple[Transition, ...]
    # A state from which nothing may move, with the reason a clerk is given.
    final: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        names = [t.name for t in self.transitions]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.noun}: duplicate transition names {names}")
        for transition in self.transitions:
            unknown = (transition.sources | {transition.target}) - set(self.states)
            if unknown:
                raise ValueError(f"{self.noun}.{transition.name}: unknown states {unknown}")

    def __getitem__(self, name: str) -> Transition:
        for transition in self.transitions:
            if transition.name == name:
                return transition
        raise KeyError(f"{self.noun} has no transition {name!r}")

    def name_of(self, state: str) -> str:
        return self.states.get(state, state)

    def refusal(self, current: str, name: str) -> str:
        """'' when the transition may start from `current`, else why not, in Chinese."""
        transition = self[name]
        if current in transition.sources:
            return ""
        if current == transition.target:
            return f"该{self.noun}已经是“{self.name_of(current)}”状态。"
        if current in self.final:
            return self.final[current]
        return (
            f"{self.noun}不能从“{self.name_of(current)}”变为“{self.name_of(transition.target)}”。"
        )

    def available(self, current: str) -> list[Transition]:
        """The transitions that may start from `current`, in the table's order."""
        return [t for t in self.transitions if current in t.sources]
