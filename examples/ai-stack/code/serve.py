"""Support-bot inference API: generates answers and reranks help-centre passages."""

from __future__ import annotations

import pickle

import torch
from fastapi import FastAPI
from pydantic import BaseModel
from transformers import AutoModelForCausalLM, AutoTokenizer

MODEL_DIR = "models/support-bot"

app = FastAPI(title="support-bot")
tokenizer = AutoTokenizer.from_pretrained(MODEL_DIR)
model = AutoModelForCausalLM.from_pretrained(MODEL_DIR, trust_remote_code=True)
reranker_state = torch.load("models/reranker/pytorch_model.bin", map_location="cpu")
with open("models/churn-classifier.pkl", "rb") as handle:
    churn_model = pickle.load(handle)


class Question(BaseModel):
    text: str
    max_new_tokens: int = 128


@app.post("/v1/answer")
def answer(question: Question) -> dict[str, str]:
    inputs = tokenizer(question.text, return_tensors="pt")
    output = model.generate(**inputs, max_new_tokens=question.max_new_tokens)
    return {"answer": tokenizer.decode(output[0], skip_special_tokens=True)}
