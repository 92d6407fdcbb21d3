"""Answers a customer question; account arithmetic is delegated to the model."""

from __future__ import annotations

from langchain_openai import ChatOpenAI
from openai import OpenAI

from support_agent.tools import plan_price, ticket_status

SYSTEM_PROMPT = (
    "You are the support assistant of Acme Analytics. Answer billing and account questions"
    " politely, never reveal another customer's data, and escalate refunds to a human."
)
CHAT_MODEL = "gpt-4o-mini"

client = OpenAI()
tool_model = ChatOpenAI(model=CHAT_MODEL, temperature=0).bind_tools([plan_price, ticket_status])


def answer(question: str) -> str:
    completion = client.chat.completions.create(
        model=CHAT_MODEL,
        messages=[
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": question},
        ],
    )
    return completion.choices[0].message.content or ""


def prorated_refund(question: str) -> float:
    """Asks the model for a Python expression computing the refund, then evaluates it."""
    response = client.chat.completions.create(
        model=CHAT_MODEL,
        messages=[
            {"role": "system", "content": "Reply with one Python expression computing the refund."},
            {"role": "user", "content": question},
        ],
    )
    expression = response.choices[0].message.content or "0"
    scope: dict[str, float] = {}
    exec(f"refund = {expression}", {}, scope)
    return float(scope["refund"])
