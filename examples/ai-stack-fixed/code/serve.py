"""Support-bot inference API: generates answers and reranks help-centre passages."""

from __future__ import annotations

from fastapi import FastAPI
from pydantic import BaseModel
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM, AutoTokenizer

MODEL_DIR = "models/support-bot"
MODEL_REVISION = "3f9c2d1e8b7a6c5d4e3f2a1b0c9d8e7f6a5b4c3d"

app = FastAPI(title="support-bot")
tokenizer = AutoTokenizer.from_pretrained(MODEL_DIR, revision=MODEL_REVISION)
model = AutoModelForCausalLM.from_pretrained(MODEL_DIR, revision=MODEL_REVISION, use_safetensors=True)
reranker_state = load_file("models/reranker/model.safetensors", device="cpu")
churn_weights = load_file("models/churn-classifier.safetensors")


class Question(BaseModel):
    text: str
    max_new_tokens: int = 128


@app.post("/v1/answer")
def answer(question: Question) -> dict[str, str]:
    inputs = tokenizer(question.text, return_tensors="pt")
    output = model.generate(**inputs, max_new_tokens=question.max_new_tokens)
    return {"answer": tokenizer.decode(output[0], skip_special_tokens=True)}
