"""Answers a customer question; the model only extracts numbers, the code does the arithmetic."""

from __future__ import annotations

import json

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
    """Asks the model for the refund inputs as JSON, checks them, and computes the refund."""
    response = client.chat.completions.create(
        model=CHAT_MODEL,
        messages=[
            {
                "role": "system",
                "content": "Reply with a JSON object with monthly_price and unused_days.",
            },
            {"role": "user", "content": question},
        ],
        response_format={"type": "json_object"},
    )
    fields = json.loads(response.choices[0].message.content or "{}")
    price, unused = float(fields["monthly_price"]), int(fields["unused_days"])
    if not (0 <= price <= 1000 and 0 <= unused <= 31):
        raise ValueError("refund inputs out of range")
    return round(price * unused / 30, 2)
