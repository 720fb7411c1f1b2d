"""Fine-tuning only the top k transformer layers of a model that learnt from its parent.

The embedding, the lower layers and the final norm keep their exact bytes, so the ONNX build
writes the same external-data files for them and browsers that hold the parent download only the
layers that changed (the build keeps one file per layer for this reason). A reward head, new in
every reward model, always trains.
"""

from __future__ import annotations

from torch import nn


def train_top_layers(model: nn.Module, count: int) -> None:
    layers = model.layers
    if count > len(layers):
        raise ValueError(f"trainable_layers is {count}, but the model has only {len(layers)} layers")
    model.requires_grad_(False)
    for layer in layers[len(layers) - count :]:
        layer.requires_grad_(True)
    if hasattr(model, "score"):
        model.score.requires_grad_(True)
