"""Hearth's trainer: a compact Llama-family model, its SFT / reward / DPO objectives, and evaluation."""
