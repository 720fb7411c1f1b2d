"""A compact Llama-family decoder: RMSNorm, rotary positions, grouped-query attention, SwiGLU.

It follows the Hugging Face Llama and Qwen2 definitions closely enough that their checkpoints
load with a renaming only (see checkpoint.py): RoPE uses their "rotate half" layout and
RMSNorm normalises in float32.

Shapes: B batch, S new positions, P cached positions, T = P + S key positions (the letters of
the ONNX dimensions sequence_length, past_sequence_length and total_sequence_length, as in
training/build/decoder-graph.ts), D hidden size, H query heads, Hkv key/value heads, hd head
size, F MLP width, V vocabulary.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from .hf_config import ModelConfig

# One (key, value) pair per layer, each [B, Hkv, P, hd]: the layout of the ONNX
# `past_key_values.{i}.key|value` inputs, so a cache can move between the two runtimes.
KVCache = list[tuple[torch.Tensor, torch.Tensor]]


class RMSNorm(nn.Module):
    def __init__(self, size: int, eps: float):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(size))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x32 = x.float()
        x32 = x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * x32.to(x.dtype)


def rotary_tables(position_ids: torch.Tensor, head_size: int, theta: float) -> tuple[torch.Tensor, torch.Tensor]:
    """cos and sin [B, 1, S, hd] for positions [B, S]; frequencies repeat across both halves."""
    inv_freq = 1.0 / theta ** (torch.arange(0, head_size, 2, device=position_ids.device).float() / head_size)
    angles = position_ids.float()[..., None] * inv_freq  # [B, S, hd/2]
    angles = torch.cat((angles, angles), dim=-1)  # [B, S, hd]
    return angles.cos()[:, None], angles.sin()[:, None]


def rotate_half(x: torch.Tensor) -> torch.Tensor:
    first, second = x.chunk(2, dim=-1)
    return torch.cat((-second, first), dim=-1)


def apply_rotary(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    return x * cos + rotate_half(x) * sin


class Attention(nn.Module):
    def __init__(self, config: ModelConfig):
        super().__init__()
        self.heads = config.num_attention_heads
        self.kv_heads = config.num_key_value_heads
        self.head_size = config.head_size
        d, hd = config.hidden_size, config.head_size
        self.q = nn.Linear(d, self.heads * hd, bias=config.qkv_bias)
        self.k = nn.Linear(d, self.kv_heads * hd, bias=config.qkv_bias)
        self.v = nn.Linear(d, self.kv_heads * hd, bias=config.qkv_bias)
        self.o = nn.Linear(self.heads * hd, d, bias=False)

    def forward(
        self,
        x: torch.Tensor,
        cos: torch.Tensor,
        sin: torch.Tensor,
        allowed: torch.Tensor,
        past: tuple[torch.Tensor, torch.Tensor] | None,
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        B, S, _ = x.shape
        q = self.q(x).view(B, S, self.heads, self.head_size).transpose(1, 2)  # [B, H, S, hd]
        k = self.k(x).view(B, S, self.kv_heads, self.head_size).transpose(1, 2)  # [B, Hkv, S, hd]
        v = self.v(x).view(B, S, self.kv_heads, self.head_size).transpose(1, 2)  # [B, Hkv, S, hd]
        q, k = apply_rotary(q, cos, sin), apply_rotary(k, cos, sin)
        if past is not None:
            k = torch.cat((past[0], k), dim=2)  # [B, Hkv, T, hd]
            v = torch.cat((past[1], v), dim=2)
        present = (k, v)

        # Each key/value head serves a consecutive group of query heads.
        group = self.heads // self.kv_heads
        k = k.repeat_interleave(group, dim=1)  # [B, H, T, hd]
        v = v.repeat_interleave(group, dim=1)

        scores = (q @ k.transpose(-2, -1)) / math.sqrt(self.head_size)  # [B, H, S, T]
        # The most negative finite value rather than -inf: a row with no allowed key (a left-pad
        # query) then gets a uniform, harmless distribution instead of NaN.
        scores = scores.masked_fill(~allowed, torch.finfo(scores.dtype).min)
        weights = F.softmax(scores.float(), dim=-1).to(q.dtype)
        out = (weights @ v).transpose(1, 2).reshape(B, S, self.heads * self.head_size)  # [B, S, H·hd]
        return self.o(out), present


class SwiGLU(nn.Module):
    def __init__(self, config: ModelConfig):
        super().__init__()
        self.gate = nn.Linear(config.hidden_size, config.intermediate_size, bias=False)
        self.up = nn.Linear(config.hidden_size, config.intermediate_size, bias=False)
        self.down = nn.Linear(config.intermediate_size, config.hidden_size, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.down(F.silu(self.gate(x)) * self.up(x))


class Block(nn.Module):
    def __init__(self, config: ModelConfig):
        super().__init__()
        self.attn_norm = RMSNorm(config.hidden_size, config.rms_norm_eps)
        self.attn = Attention(config)
        self.mlp_norm = RMSNorm(config.hidden_size, config.rms_norm_eps)
        self.mlp = SwiGLU(config)

    def forward(self, x, cos, sin, allowed, past):
        attended, present = self.attn(self.attn_norm(x), cos, sin, allowed, past)
        x = x + attended
        x = x + self.mlp(self.mlp_norm(x))
        return x, present


class Decoder(nn.Module):
    """The trunk shared by the language model and the reward model."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        self.config = config
        self.tok_emb = nn.Embedding(config.vocab_size, config.hidden_size)
        self.layers = nn.ModuleList(Block(config) for _ in range(config.num_hidden_layers))
        self.norm = RMSNorm(config.hidden_size, config.rms_norm_eps)

    def init_weights(self) -> None:
        """GPT-2 style: N(0, 0.02), residual outputs scaled down by depth; draws from torch's global RNG."""
        residual_std = 0.02 / math.sqrt(2 * self.config.num_hidden_layers)
        for name, param in self.named_parameters():
            if name.endswith("norm.weight"):
                nn.init.ones_(param)
            elif name.endswith(".bias"):
                nn.init.zeros_(param)
            elif name.endswith(("attn.o.weight", "mlp.down.weight")):
                nn.init.normal_(param, std=residual_std)
            else:
                nn.init.normal_(param, std=0.02)

    def hidden_states(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        past: KVCache | None = None,
    ) -> tuple[torch.Tensor, KVCache]:
        """Final hidden states [B, S, D] for input_ids [B, S] and the cache extended by them.

        attention_mask [B, T] (1 = real token) covers the cached and the new positions; padding
        may sit on either side. Positions count real tokens only, so a left-padded prompt sees
        the same positions as an unpadded one.
        """
        B, S = input_ids.shape
        P = past[0][0].shape[2] if past else 0
        device = input_ids.device
        if attention_mask is None:
            attention_mask = torch.ones(B, P + S, dtype=torch.long, device=device)
        position_ids = (attention_mask.cumsum(-1) - 1).clamp(min=0)[:, P:]  # [B, S]
        cos, sin = rotary_tables(position_ids, self.config.head_size, self.config.rope_theta)

        causal = torch.ones(S, P + S, dtype=torch.bool, device=device).tril(diagonal=P)  # [S, T]
        allowed = causal[None, None] & attention_mask[:, None, None, :].bool()  # [B, 1, S, T]

        x = self.tok_emb(input_ids)
        present: KVCache = []
        for i, layer in enumerate(self.layers):
            x, layer_present = layer(x, cos, sin, allowed, past[i] if past else None)
            present.append(layer_present)
        return self.norm(x), present


class CausalLM(Decoder):
    def __init__(self, config: ModelConfig):
        super().__init__(config)
        if not config.tie_word_embeddings:
            self.lm_head = nn.Linear(config.hidden_size, config.vocab_size, bias=False)
        self.init_weights()

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        past: KVCache | None = None,
    ) -> tuple[torch.Tensor, KVCache]:
        """Next-token logits [B, S, V] and the extended cache."""
        h, present = self.hidden_states(input_ids, attention_mask, past)
        head = self.tok_emb.weight if self.config.tie_word_embeddings else self.lm_head.weight
        return h @ head.T, present


class RewardModel(Decoder):
    def __init__(self, config: ModelConfig):
        super().__init__(config)
        self.score = nn.Linear(config.hidden_size, 1, bias=False)
        self.init_weights()

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """One scalar score [B] per sequence, read at its last real token."""
        h, _ = self.hidden_states(input_ids, attention_mask)
        positions = torch.arange(input_ids.shape[1], device=input_ids.device)
        last = (attention_mask * positions).argmax(-1)  # [B]
        return self.score(h[torch.arange(h.shape[0], device=h.device), last]).squeeze(-1)
