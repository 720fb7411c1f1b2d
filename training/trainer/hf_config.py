"""The model's hyperparameters and their Hugging Face `config.json` form.

`ModelConfig` is what model.py builds a decoder from; `from_hf` reads (and validates) a
Hugging Face config object, `to_hf` writes one, so checkpoints move to and from the Hugging
Face Llama and Qwen2 layouts (see checkpoint.py).
"""

from __future__ import annotations

from dataclasses import dataclass

MODEL_TYPES = ("llama", "qwen2")


@dataclass(frozen=True)
class ModelConfig:
    vocab_size: int
    hidden_size: int
    intermediate_size: int
    num_hidden_layers: int
    num_attention_heads: int
    num_key_value_heads: int
    max_position_embeddings: int
    rope_theta: float = 10000.0
    rms_norm_eps: float = 1e-5
    tie_word_embeddings: bool = True
    model_type: str = "llama"
    head_dim: int = 0  # 0 = hidden_size // num_attention_heads, as Hugging Face derives it
    bos_token_id: int | None = None
    eos_token_id: int | list[int] | None = None
    pad_token_id: int | None = None

    @property
    def head_size(self) -> int:
        return self.head_dim or self.hidden_size // self.num_attention_heads

    @property
    def qkv_bias(self) -> bool:
        # Qwen2 always has biases on q/k/v (never on o); Llama never does here.
        return self.model_type == "qwen2"

    @classmethod
    def from_hf(cls, fields: dict, source: str) -> ModelConfig:
        """Reads a Hugging Face `config.json` object; `source` names it in errors."""

        def fail(problem: str) -> ValueError:
            return ValueError(f"{source}: {problem}")

        model_type = fields.get("model_type", "llama")
        if model_type not in MODEL_TYPES:
            raise fail(f"model_type {model_type!r} is not supported (expected one of {', '.join(MODEL_TYPES)})")
        for unsupported in ("attention_bias", "mlp_bias", "use_sliding_window"):
            if fields.get(unsupported):
                raise fail(f"{unsupported}=true is not supported")
        if fields.get("rope_scaling") is not None:
            raise fail("rope_scaling is not supported")
        if fields.get("hidden_act", "silu") != "silu":
            raise fail(f"hidden_act {fields['hidden_act']!r} is not supported (expected 'silu')")

        def positive_int(name: str, default: int | None = None) -> int:
            value = fields.get(name, default)
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise fail(f"{name} must be a positive integer, got {value!r}")
            return value

        def positive_number(name: str, default: float) -> float:
            value = fields.get(name, default)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
                raise fail(f"{name} must be a positive number, got {value!r}")
            return float(value)

        heads = positive_int("num_attention_heads")
        kv_heads = positive_int("num_key_value_heads", heads)
        if heads % kv_heads:
            raise fail(f"num_attention_heads {heads} is not a multiple of num_key_value_heads {kv_heads}")
        hidden = positive_int("hidden_size")
        head_dim = fields.get("head_dim") or 0
        if not head_dim and hidden % heads:
            raise fail(f"hidden_size {hidden} is not a multiple of num_attention_heads {heads}")
        if (head_dim or hidden // heads) % 2:
            raise fail("the head size must be even for rotary embeddings")
        tie = fields.get("tie_word_embeddings", True)
        if not isinstance(tie, bool):
            raise fail(f"tie_word_embeddings must be true or false, got {tie!r}")
        return cls(
            vocab_size=positive_int("vocab_size"),
            hidden_size=hidden,
            intermediate_size=positive_int("intermediate_size"),
            num_hidden_layers=positive_int("num_hidden_layers"),
            num_attention_heads=heads,
            num_key_value_heads=kv_heads,
            max_position_embeddings=positive_int("max_position_embeddings"),
            rope_theta=positive_number("rope_theta", 10000.0),
            rms_norm_eps=positive_number("rms_norm_eps", 1e-5),
            tie_word_embeddings=tie,
            model_type=model_type,
            head_dim=head_dim,
            bos_token_id=fields.get("bos_token_id"),
            eos_token_id=fields.get("eos_token_id"),
            pad_token_id=fields.get("pad_token_id"),
        )

    def to_hf(self, reward_model: bool = False) -> dict:
        """The Hugging Face `config.json` object for a causal LM or a reward model."""
        family = {"llama": "Llama", "qwen2": "Qwen2"}[self.model_type]
        head = "ForSequenceClassification" if reward_model else "ForCausalLM"
        fields = {
            "architectures": [family + head],
            "model_type": self.model_type,
            "vocab_size": self.vocab_size,
            "hidden_size": self.hidden_size,
            "intermediate_size": self.intermediate_size,
            "num_hidden_layers": self.num_hidden_layers,
            "num_attention_heads": self.num_attention_heads,
            "num_key_value_heads": self.num_key_value_heads,
            "head_dim": self.head_size,
            "max_position_embeddings": self.max_position_embeddings,
            "rope_theta": self.rope_theta,
            "rms_norm_eps": self.rms_norm_eps,
            "tie_word_embeddings": self.tie_word_embeddings,
            "hidden_act": "silu",
            "attention_bias": False,
            "bos_token_id": self.bos_token_id,
            "eos_token_id": self.eos_token_id,
            "pad_token_id": self.pad_token_id,
            "torch_dtype": "float32",
            "use_cache": True,
        }
        if self.model_type == "qwen2":
            del fields["attention_bias"]  # Qwen2's biases are implied by the architecture
            fields["use_sliding_window"] = False
        if reward_model:
            fields["num_labels"] = 1
        return fields
