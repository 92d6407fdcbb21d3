"""Account tools the agent may call."""

from __future__ import annotations

from langchain_core.tools import tool

PLANS = {"basic": 9.0, "plus": 19.0, "team": 49.0}


@tool
def plan_price(plan: str) -> str:
    """Monthly price of a subscription plan (basic, plus or team)."""
    price = PLANS.get(plan.lower())
    return f"{plan}: {price:.2f} EUR per month" if price is not None else f"unknown plan {plan}"


@tool
def ticket_status(ticket_id: str) -> str:
    """Status of a support ticket, by its id."""
    return f"ticket {ticket_id}: open, waiting for the customer"
