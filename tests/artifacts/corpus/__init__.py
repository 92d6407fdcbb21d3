"""The evaluation corpus of the model-artifact scanner.

Malicious samples (hand-assembled pickles and payloads spliced into files written by the
real libraries) and benign samples (written by torch, scikit-learn, joblib, NumPy, Keras,
safetensors, ONNX and gguf). ``python -m tests.artifacts.corpus.build OUT_DIR`` writes them
with ``OUT_DIR/manifest.json``. No sample is ever loaded; every payload only creates
``stackward-payload-marker`` if something runs it by mistake.
"""
