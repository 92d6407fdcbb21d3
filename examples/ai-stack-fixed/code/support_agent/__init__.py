"""The support agent: answers customer questions with a model and a few account tools."""
