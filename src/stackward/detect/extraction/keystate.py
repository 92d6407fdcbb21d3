"""What the extraction detector remembers about one key: its window of queries, templates and
recent prompt vectors, all bounded, all serialisable to JSON exactly."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stackward.detect.event import Position
from stackward.detect.extraction.features import PromptVector, min_cosine_distance
from stackward.detect.extraction.templates import TemplateClusters
from stackward.detect.extraction.thresholds import ExtractionThresholds

if TYPE_CHECKING:
    from stackward.detect.extraction.signals import Judgement

NO_TEMPLATE = -1
"""Template id of a query whose log kept no prompt."""


@dataclass(frozen=True, slots=True)
class WindowQuery:
    """One query in a key's window: the numbers the signals need, never the prompt."""

    time_us: int
    """Event time, microseconds since the epoch (exact in JSON)."""
    tokens: int
    template: int
    logprobs: bool
    logit_bias: bool
    distance: float | None
    """Minimum cosine distance to the key's earlier prompts in the window."""
    position: Position
    model: str

    def to_json(self) -> list[Any]:
        where = self.position
        return [
            self.time_us,
            self.tokens,
            self.template,
            self.logprobs,
            self.logit_bias,
            self.distance,
            [where.source, where.offset, where.line, where.index],
            self.model,
        ]

    @classmethod
    def from_json(cls, data: list[Any]) -> WindowQuery:
        time_us, tokens, template, logprobs, logit_bias, distance, where, model = data
        source, offset, line, index = where
        return cls(
            int(time_us),
            int(tokens),
            int(template),
            bool(logprobs),
            bool(logit_bias),
            None if distance is None else float(distance),
            Position(str(source), int(offset), int(line), int(index)),
            str(model),
        )


class KeyState:
    """One key's sliding window. Running sums keep each event O(reservoir + templates)."""

    def __init__(self, thresholds: ExtractionThresholds) -> None:
        self._thresholds = thresholds
        self.queries: deque[WindowQuery] = deque()
        self.templates = TemplateClusters(thresholds.template_slots, thresholds.max_templates)
        self.reservoir: deque[tuple[int, PromptVector]] = deque(maxlen=thresholds.reservoir)
        self.recent_distances: deque[tuple[int, float]] = deque(maxlen=thresholds.max_distances)
        """The last ``max_distances`` minimum distances of the window, kept apart from
        ``queries`` so the test reads them without a scan."""
        self.previous_prefix: list[str] = []
        """Prefix digests of the key's last prompt (see ``features.prefix_digests``)."""
        self.tokens = 0
        self.logprobs = 0
        self.logit_bias = 0
        self.prompts = 0
        self.judgement: Judgement | None = None
        """The last judgement of the window, until the window changes (not serialised)."""
        self.alerted = False
        """Set when the key alerted; cleared (re-armed) once the rule stops holding."""

    def expire(self, cutoff_us: int) -> None:
        """Forget queries and vectors at or before ``cutoff_us``."""
        while self.queries and self.queries[0].time_us <= cutoff_us:
            self._drop_oldest()
        while self.reservoir and self.reservoir[0][0] <= cutoff_us:
            self.reservoir.popleft()
        while self.recent_distances and self.recent_distances[0][0] <= cutoff_us:
            self.recent_distances.popleft()

    def _drop_oldest(self) -> None:
        gone = self.queries.popleft()
        self.tokens -= gone.tokens
        self.logprobs -= gone.logprobs
        self.logit_bias -= gone.logit_bias
        if gone.template != NO_TEMPLATE:
            self.prompts -= 1
            self.templates.release(gone.template)

    def nearest(self, vector: PromptVector) -> float | None:
        return min_cosine_distance(vector, [kept for _, kept in self.reservoir])

    def remember(self, time_us: int, vector: PromptVector) -> None:
        self.reservoir.append((time_us, vector))

    def add(self, query: WindowQuery) -> None:
        if len(self.queries) >= self._thresholds.max_window_queries:
            self._drop_oldest()
        self._count(query)
        if query.distance is not None:
            self.recent_distances.append((query.time_us, query.distance))

    def _count(self, query: WindowQuery) -> None:
        self.queries.append(query)
        self.tokens += query.tokens
        self.logprobs += query.logprobs
        self.logit_bias += query.logit_bias
        if query.template != NO_TEMPLATE:
            self.prompts += 1

    @property
    def full(self) -> bool:
        """Whether the window holds as many queries as it may (older ones were dropped)."""
        return len(self.queries) >= self._thresholds.max_window_queries

    def distances(self) -> list[float]:
        """The most recent minimum distances in the window, oldest first."""
        return [distance for _, distance in self.recent_distances]

    def to_json(self) -> dict[str, Any]:
        return {
            "queries": [query.to_json() for query in self.queries],
            "templates": self.templates.to_json(),
            "reservoir": [[time_us, vector.to_json()] for time_us, vector in self.reservoir],
            "distances": [[time_us, distance] for time_us, distance in self.recent_distances],
            "previous_prefix": self.previous_prefix,
            "alerted": self.alerted,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], thresholds: ExtractionThresholds) -> KeyState:
        state = cls(thresholds)
        state.templates = TemplateClusters.from_json(
            data["templates"], thresholds.template_slots, thresholds.max_templates
        )
        for item in data["queries"]:
            state._count(WindowQuery.from_json(item))
        for time_us, vector in data["reservoir"]:
            state.reservoir.append((int(time_us), PromptVector.from_json(vector)))
        for time_us, distance in data["distances"]:
            state.recent_distances.append((int(time_us), float(distance)))
        state.previous_prefix = [str(digest) for digest in data["previous_prefix"]]
        state.alerted = bool(data["alerted"])
        return state
