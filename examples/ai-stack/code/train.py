"""Fine-tunes the support bot on the instruction set and saves the weights as safetensors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import torch
from safetensors.torch import save_file
from transformers import AutoModelForCausalLM, AutoTokenizer

DATA = Path("datasets/support_instructions.jsonl")
OUT = Path("models/support-bot")
BASE_MODEL = os.environ.get("BASE_MODEL", "models/support-bot")


def load_examples(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def main() -> None:
    tokenizer = AutoTokenizer.from_pretrained(BASE_MODEL)
    model = AutoModelForCausalLM.from_pretrained(BASE_MODEL, use_safetensors=True)
    optimiser = torch.optim.AdamW(model.parameters(), lr=2e-5)
    model.train()
    for example in load_examples(DATA):
        prompt = f"### Instruction\n{example['instruction']}\n{example['input']}\n### Response\n"
        batch = tokenizer(prompt + example["output"], return_tensors="pt")
        loss = model(**batch, labels=batch["input_ids"]).loss
        loss.backward()
        optimiser.step()
        optimiser.zero_grad()
    save_file(model.state_dict(), str(OUT / "model.safetensors"))


if __name__ == "__main__":
    main()
