"""Writes the small binary model files of the example stacks, byte for byte reproducibly.

Run from the repository root::

    python examples/generate_models.py

It writes, for ``examples/ai-stack`` (the stack with planted weaknesses):

* ``models/support-bot/model.safetensors`` - a tiny causal-LM-shaped safetensors file;
* ``models/churn-classifier.pkl`` - a *harmless* pickle (protocol 4) of a dict of lists,
  made with the standard ``pickle`` module from plain data: no callables, no globals;
* ``models/reranker/pytorch_model.bin`` - a zip with the PyTorch ``archive/data.pkl``
  layout whose ``data.pkl`` is again a plain dict pickle;

* ``models/community-lora/adapter_model.bin`` - a PyTorch-layout zip whose pickle calls
  ``os.system("touch stackward-payload-marker")``: a stand-in for a trojaned download,
  harmless if ever loaded;

and for ``examples/ai-stack-fixed`` the same models as safetensors only, signed with
OpenSSF model-signing (``models.sig``, public key in ``keys/model-signing.pub``). Weights are made
from a fixed formula, zip timestamps are fixed, so every run writes identical bytes.
"""

from __future__ import annotations

import json
import pickle
import struct
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ZIP_TIME = (2024, 1, 1, 0, 0, 0)


def _weights(count: int, seed: int) -> list[float]:
    """Deterministic small floats (a linear congruential sequence scaled to [-0.5, 0.5))."""
    state = seed
    values: list[float] = []
    for _ in range(count):
        state = (1103515245 * state + 12345) % 2**31
        values.append(round(state / 2**31 - 0.5, 4))
    return values


def safetensors_bytes(tensors: dict[str, tuple[int, ...]], metadata: dict[str, str]) -> bytes:
    """A valid safetensors file: 8-byte header length, JSON header, float32 data."""
    header: dict[str, object] = {"__metadata__": metadata}
    data = bytearray()
    for index, (name, shape) in enumerate(sorted(tensors.items())):
        count = 1
        for dim in shape:
            count *= dim
        start = len(data)
        data += struct.pack(f"<{count}f", *_weights(count, seed=index + 1))
        header[name] = {"dtype": "F32", "shape": list(shape), "data_offsets": [start, len(data)]}
    raw = json.dumps(header, separators=(",", ":"), sort_keys=True).encode()
    raw += b" " * (-len(raw) % 8)
    return struct.pack("<Q", len(raw)) + raw + bytes(data)


SUPPORT_BOT = {
    "model.embed_tokens.weight": (64, 8),
    "model.layers.0.self_attn.q_proj.weight": (8, 8),
    "model.layers.0.self_attn.v_proj.weight": (8, 8),
    "model.layers.0.mlp.up_proj.weight": (16, 8),
    "lm_head.weight": (64, 8),
}
RERANKER = {"encoder.weight": (16, 16), "classifier.weight": (1, 16), "classifier.bias": (1,)}
CHURN = {"coef": (1, 6), "intercept": (1,)}


def churn_model() -> dict[str, list[object]]:
    """Plain data standing in for a fitted linear model: lists of numbers and strings only."""
    return {
        "features": ["tenure_months", "monthly_spend", "plan_tier", "tickets_90d", "nps", "seats"],
        "coef": _weights(6, seed=7),
        "intercept": [0.125],
        "classes": [0, 1],
    }


def pytorch_zip_bytes(path: Path) -> None:
    """A zip laid out like ``torch.save`` output; ``data.pkl`` holds a plain dict only."""
    state = {"encoder.weight": _weights(16, seed=3), "classifier.bias": [0.0]}
    members = {
        "archive/data.pkl": pickle.dumps(state, protocol=2),
        "archive/version": b"3\n",
        "archive/byteorder": b"little",
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, payload in members.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=ZIP_TIME), payload)


def trojan_adapter_bytes(path: Path) -> None:
    """A PyTorch-layout zip whose ``data.pkl`` calls ``os.system`` when unpickled.

    The command only creates an empty marker file, so it is harmless even if someone loads
    it; it stands in for a backdoored adapter downloaded from a public hub.
    """
    payload = (
        b"\x80\x02cos\nsystem\nq\x00X\x1e\x00\x00\x00touch stackward-payload-marker"
        b"q\x01\x85q\x02Rq\x03."
    )
    members = {
        "archive/data.pkl": payload,
        "archive/version": b"3\n",
        "archive/byteorder": b"little",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=ZIP_TIME), data)
    print(f"wrote {path.relative_to(HERE)}")


def sign_fixed_models() -> None:
    """Sign ``ai-stack-fixed/models`` with OpenSSF model-signing and a throwaway key.

    The private key lives only in a temporary directory; the public key and the signature
    (``models.sig``, beside the signed directory) are kept. ECDSA signatures are randomised,
    so ``models.sig`` differs from run to run while always verifying.
    """
    import subprocess
    import tempfile

    from model_signing import signing

    stack = HERE / "ai-stack-fixed"
    with tempfile.TemporaryDirectory() as tmp:
        key = Path(tmp) / "key.pem"
        subprocess.run(
            ["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", str(key)],
            check=True,
        )
        public = stack / "keys" / "model-signing.pub"
        public.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["openssl", "ec", "-in", str(key), "-pubout", "-out", str(public)],
            check=True,
            capture_output=True,
        )
        signing.Config().use_elliptic_key_signer(private_key=key).sign(
            stack / "models", stack / "models.sig"
        )
    print("signed ai-stack-fixed/models -> models.sig (key: keys/model-signing.pub)")


def write(path: Path, payload: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(payload)
    print(f"wrote {path.relative_to(HERE)} ({len(payload)} bytes)")


def main() -> None:
    meta = {"format": "pt", "source": "stackward example"}
    for stack in ("ai-stack", "ai-stack-fixed"):
        models = HERE / stack / "models"
        write(models / "support-bot" / "model.safetensors", safetensors_bytes(SUPPORT_BOT, meta))
    broken = HERE / "ai-stack" / "models"
    write(broken / "churn-classifier.pkl", pickle.dumps(churn_model(), protocol=4))
    (broken / "reranker").mkdir(parents=True, exist_ok=True)
    pytorch_zip_bytes(broken / "reranker" / "pytorch_model.bin")
    print(f"wrote {(broken / 'reranker' / 'pytorch_model.bin').relative_to(HERE)}")
    fixed = HERE / "ai-stack-fixed" / "models"
    write(fixed / "churn-classifier.safetensors", safetensors_bytes(CHURN, meta))
    write(fixed / "reranker" / "model.safetensors", safetensors_bytes(RERANKER, meta))
    trojan_adapter_bytes(broken / "community-lora" / "adapter_model.bin")
    sign_fixed_models()


if __name__ == "__main__":
    main()
