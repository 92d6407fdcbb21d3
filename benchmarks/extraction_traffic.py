"""Seeded LLM-gateway traffic for the model-extraction benchmark: benign keys and attack keys.

Benign kinds: people chatting (bursty sessions, retries and follow-ups), app integrations
(steady, task-prefixed), batch summarisers (fast, heavy, distinct documents), chatbots (one
long system template around varied questions, FAQs repeat; ``chatbot`` keys' gateway logs the
system turn apart, ``chatbot_joined`` keys' gateway only logs the joined prompt) and evaluation
jobs (logprobs on every query). Attack kinds: systematic template sweeps, perturbation probing around seed
prompts, logprob/logit_bias harvesting, low-and-slow sweeps, and a natural-corpus attacker who
replays diverse real prompts (the case a distribution test cannot see).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

DATASET = Path("/work/shared/datasets/prompt-injection/train.jsonl")
START = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)
HORIZON_MINUTES = 360.0

BENIGN_KINDS = {
    "human": 150,
    "app": 30,
    "batch_summariser": 10,
    "chatbot": 5,
    "chatbot_joined": 5,
    "eval_job": 6,
}
ATTACK_KINDS = {
    "systematic": 14,
    "perturbation": 14,
    "logprob_harvest": 10,
    "low_and_slow": 12,
    "natural_corpus": 8,
}


@dataclass(frozen=True, slots=True)
class PromptPool:
    questions: tuple[str, ...]
    """Short prompts: questions and instructions."""
    documents: tuple[str, ...]
    """Longer texts: documents, code, reference prose."""
    vocabulary: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SimQuery:
    time: dt.datetime
    key: str
    kind: str
    attack: bool
    prompt: str
    input_tokens: int
    output_tokens: int
    logprobs: bool = False
    logit_bias: bool = False
    system_prompt: str = ""
    """The system turn when the gateway logs it apart from the joined prompt."""


def _vocabulary(texts: list[str]) -> tuple[str, ...]:
    words = {word for text in texts for word in re.findall(r"[a-z]{4,10}", text.lower())}
    return tuple(sorted(words))


def load_pool(path: Path = DATASET) -> PromptPool:
    """Benign rows (label 0) of the prompt-injection training set, split by length."""
    short: list[str] = []
    long: list[str] = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if row["label"] != 0:
                continue
            text = row["text"]
            (short if len(text) < 300 else long).append(text)
    return PromptPool(tuple(short), tuple(long), _vocabulary(short + long))


_SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "ru",
    "ta",
    "ve",
    "so",
    "pi",
    "da",
    "gu",
    "fe",
    "ho",
    "ji",
    "ba",
    "wo",
    "ze",
    "ly",
    "qu",
    "ar",
    "en",
    "is",
    "om",
    "ut",
]


def synthetic_pool(seed: int = 7) -> PromptPool:
    """A generated pool (no external data) for tests: sentences of pseudo-words, so prompts
    are as unlike each other as natural ones without any corpus on disk."""
    rng = random.Random(seed)
    words = sorted({"".join(rng.choices(_SYLLABLES, k=rng.randint(1, 4))) for _ in range(3000)})
    questions = [" ".join(rng.choices(words, k=rng.randint(4, 30))) + "?" for _ in range(1500)]
    documents = [" ".join(rng.choices(words, k=rng.randint(80, 400))) + "." for _ in range(600)]
    return PromptPool(tuple(questions), tuple(documents), tuple(words))


def _tokens(text: str) -> int:
    return max(1, len(text) // 4)


class _Key:
    """One key's traffic: yields its queries in time order."""

    def __init__(self, rng: random.Random, key: str, kind: str, attack: bool) -> None:
        self.rng, self.key, self.kind, self.attack = rng, key, kind, attack

    def query(
        self, minute: float, prompt: str, output: int, system: str = "", **flags: bool
    ) -> SimQuery:
        return SimQuery(
            START + dt.timedelta(minutes=minute),
            self.key,
            self.kind,
            self.attack,
            prompt,
            _tokens(prompt),
            output,
            system_prompt=system,
            **flags,
        )


def _human(k: _Key, pool: PromptPool) -> Iterator[SimQuery]:
    rng = k.rng
    follow_ups = ["make it shorter", "can you give an example?", "thanks, and in French?"]
    starts = sorted(rng.uniform(0, HORIZON_MINUTES - 30) for _ in range(rng.randint(1, 6)))
    for start in starts:
        minute, last = start, rng.choice(pool.questions)
        for _ in range(min(40, 1 + int(rng.expovariate(1 / 11)))):
            roll = rng.random()
            prompt = last if roll < 0.07 else rng.choice(follow_ups) if roll < 0.17 else None
            last = prompt or rng.choice(pool.questions + pool.documents[:200])
            yield k.query(minute, last, rng.randint(40, 600))
            minute += max(0.08, rng.lognormvariate(-0.3, 0.9))


def _app(k: _Key, pool: PromptPool) -> Iterator[SimQuery]:
    rng = k.rng
    task = rng.choice(
        [
            "Rewrite the following text in a formal tone:\n",
            "Classify this support ticket as billing, technical or other:\n",
            "Extract the action items from this message:\n",
            "Answer the customer's question briefly.\nQuestion: ",
        ]
    )
    rate, minute = rng.uniform(0.2, 1.5), rng.uniform(0, 30)
    while minute < HORIZON_MINUTES:
        text = rng.choice(pool.questions if rng.random() < 0.6 else pool.documents)
        yield k.query(minute, task + text, rng.randint(20, 300))
        minute += rng.expovariate(rate)


def _batch(k: _Key, pool: PromptPool) -> Iterator[SimQuery]:
    rng = k.rng
    rate, minute = rng.uniform(6, 25), rng.uniform(0, 120)
    end = minute + rng.uniform(40, 150)
    while minute < min(end, HORIZON_MINUTES):
        parts = rng.sample(pool.documents, rng.randint(1, 3))
        doc = "\n\n".join(parts)
        yield k.query(minute, f"Summarise the following document in three bullets.\n\n{doc}", 150)
        minute += rng.expovariate(rate)


def _chatbot(k: _Key, pool: PromptPool) -> Iterator[SimQuery]:
    rng = k.rng
    system = "You are the assistant of a retail bank. " + " ".join(
        rng.sample(pool.documents, 2)
    ).replace("\n", " ")
    faq = rng.sample(pool.questions, 25)
    rate, minute = rng.uniform(2, 12), rng.uniform(0, 30)
    while minute < HORIZON_MINUTES:
        question = rng.choice(faq) if rng.random() < 0.3 else rng.choice(pool.questions)
        logged = system if k.kind == "chatbot" else ""
        yield k.query(minute, f"{system}\n\nUser: {question}", rng.randint(40, 300), logged)
        minute += rng.expovariate(rate)


def _eval(k: _Key, pool: PromptPool) -> Iterator[SimQuery]:
    rng = k.rng
    rate, minute = rng.uniform(8, 30), rng.uniform(0, 200)
    for question in rng.sample(pool.questions, min(len(pool.questions), rng.randint(300, 900))):
        yield k.query(minute, f"Question: {question}\nAnswer:", rng.randint(1, 5), logprobs=True)
        minute += rng.expovariate(rate)


_TEMPLATES = [
    "What is the {a} of {b}?",
    'Classify the sentiment of the review: "{a} {b}"',
    "Translate the word {a} into {b}.",
    "Is {a} a kind of {b}? Answer yes or no.",
    "Give the {a} for item {n} in category {b}.",
    "Complete the sentence: the {a} was very {b}",
]


def _sweep(k: _Key, pool: PromptPool, rate: float, count: int, **flags: bool) -> Iterator[SimQuery]:
    rng = k.rng
    template = rng.choice(_TEMPLATES)
    minute = rng.uniform(0, 60)
    a_values = rng.sample(pool.vocabulary, min(len(pool.vocabulary), 12))
    for index in range(count):
        if rng.random() < 0.05:
            template = rng.choice(_TEMPLATES)
        prompt = template.format(a=rng.choice(a_values), b=rng.choice(pool.vocabulary), n=index)
        yield k.query(minute, prompt, rng.randint(1, 80), **flags)
        minute += rng.expovariate(rate)


def _perturb(rng: random.Random, seed: str, vocabulary: tuple[str, ...]) -> str:
    words = seed.split()
    for _ in range(rng.randint(1, 3)):
        if not words:
            break
        at = rng.randrange(len(words))
        move = rng.random()
        if move < 0.5:
            words[at] = rng.choice(vocabulary)
        elif move < 0.75 and len(words) > 3:
            del words[at]
        else:
            chars = list(words[at])
            if len(chars) > 2:
                i = rng.randrange(len(chars) - 1)
                chars[i], chars[i + 1] = chars[i + 1], chars[i]
            words[at] = "".join(chars)
    return " ".join(words)


def _probing(
    k: _Key, pool: PromptPool, rate: float, count: int, **flags: bool
) -> Iterator[SimQuery]:
    rng = k.rng
    minute = rng.uniform(0, 60)
    seed = rng.choice(pool.questions)
    for index in range(count):
        if index and rng.random() < 1 / 20:
            seed = rng.choice(pool.questions)
        yield k.query(minute, _perturb(rng, seed, pool.vocabulary), rng.randint(1, 80), **flags)
        minute += rng.expovariate(rate)


def _systematic(k: _Key, pool: PromptPool) -> Iterator[SimQuery]:
    return _sweep(k, pool, k.rng.uniform(3, 20), k.rng.randint(300, 900))


def _perturbation(k: _Key, pool: PromptPool) -> Iterator[SimQuery]:
    return _probing(k, pool, k.rng.uniform(2, 15), k.rng.randint(300, 900))


def _harvest(k: _Key, pool: PromptPool) -> Iterator[SimQuery]:
    bias = k.rng.random() < 0.5
    make = _sweep if k.rng.random() < 0.5 else _probing
    return make(
        k, pool, k.rng.uniform(4, 25), k.rng.randint(300, 900), logprobs=True, logit_bias=bias
    )


def _slow(k: _Key, pool: PromptPool) -> Iterator[SimQuery]:
    make = _sweep if k.rng.random() < 0.5 else _probing
    return make(k, pool, k.rng.uniform(0.9, 1.5), 500)


def _natural(k: _Key, pool: PromptPool) -> Iterator[SimQuery]:
    rng = k.rng
    rate, minute = rng.uniform(8, 25), rng.uniform(0, 60)
    for question in rng.sample(pool.questions, min(len(pool.questions), 800)):
        yield k.query(minute, question, rng.randint(50, 300))
        minute += rng.expovariate(rate)


GENERATORS: dict[str, Callable[[_Key, PromptPool], Iterator[SimQuery]]] = {
    "human": _human,
    "app": _app,
    "batch_summariser": _batch,
    "chatbot": _chatbot,
    "chatbot_joined": _chatbot,
    "eval_job": _eval,
    "systematic": _systematic,
    "perturbation": _perturbation,
    "logprob_harvest": _harvest,
    "low_and_slow": _slow,
    "natural_corpus": _natural,
}


def simulate(
    pool: PromptPool, seed: int = 42, scale: float = 1.0, horizon: float = HORIZON_MINUTES
) -> list[SimQuery]:
    """Every key's queries, merged in time order (ties by key), within ``horizon`` minutes."""
    rng = random.Random(seed)
    queries: list[SimQuery] = []
    for kinds, attack in ((BENIGN_KINDS, False), (ATTACK_KINDS, True)):
        for number, (kind, count) in enumerate(kinds.items()):
            for index in range(max(1, round(count * scale))):
                key = f"sk-{'a' if attack else 'b'}{number:02d}…{index:04d}"
                generator = GENERATORS[kind](
                    _Key(random.Random(rng.getrandbits(64)), key, kind, attack), pool
                )
                queries.extend(
                    q for q in generator if q.time < START + dt.timedelta(minutes=horizon)
                )
    queries.sort(key=lambda q: (q.time, q.key))
    return queries
