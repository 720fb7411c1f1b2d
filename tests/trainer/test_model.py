import unittest
from dataclasses import replace

import torch

from training.trainer.hf_config import ModelConfig
from training.trainer.model import CausalLM, RewardModel

from .fixtures import VOCAB_SIZE, tiny_config


def seeded(model_class, config: ModelConfig, seed: int = 0):
    torch.manual_seed(seed)
    return model_class(config).eval()


class CausalLMTest(unittest.TestCase):
    def setUp(self):
        self.config = tiny_config()
        self.model = seeded(CausalLM, self.config)
        self.ids = torch.randint(0, VOCAB_SIZE, (2, 12), generator=torch.Generator().manual_seed(1))

    def test_logits_and_cache_shapes(self):
        logits, present = self.model(self.ids)
        self.assertEqual(logits.shape, (2, 12, VOCAB_SIZE))
        self.assertEqual(len(present), self.config.num_hidden_layers)
        head_size = self.config.hidden_size // self.config.num_attention_heads
        for key, value in present:
            self.assertEqual(key.shape, (2, self.config.num_key_value_heads, 12, head_size))
            self.assertEqual(value.shape, key.shape)

    def test_a_future_token_does_not_change_earlier_logits(self):
        changed = self.ids.clone()
        changed[:, 8] = (changed[:, 8] + 1) % VOCAB_SIZE
        logits, _ = self.model(self.ids)
        changed_logits, _ = self.model(changed)
        torch.testing.assert_close(changed_logits[:, :8], logits[:, :8], rtol=0, atol=0)
        self.assertFalse(torch.allclose(changed_logits[:, 8:], logits[:, 8:]))

    def test_kv_cache_equals_full_recompute(self):
        full, _ = self.model(self.ids)
        logits, past = self.model(self.ids[:, :5])
        steps = [logits]
        for position in range(5, 12):
            logits, past = self.model(self.ids[:, position : position + 1], past=past)
            steps.append(logits)
        torch.testing.assert_close(torch.cat(steps, dim=1), full, rtol=1e-5, atol=1e-5)

    def test_left_padding_gives_the_unpadded_logits(self):
        prompt = self.ids[:1, :7]
        padded = torch.cat((torch.zeros(1, 3, dtype=torch.long), prompt), dim=1)
        mask = torch.tensor([[0, 0, 0] + [1] * 7])
        alone, _ = self.model(prompt)
        with_padding, _ = self.model(padded, mask)
        torch.testing.assert_close(with_padding[:, 3:], alone, rtol=1e-5, atol=1e-5)

    def test_grouped_query_attention_equals_full_attention_with_shared_heads(self):
        # GQA with 2 key/value heads for 4 query heads is multi-head attention in which query
        # heads 2g and 2g+1 both use key/value head g.
        self.assertLess(self.config.num_key_value_heads, self.config.num_attention_heads)
        full = CausalLM(tiny_config(num_key_value_heads=4)).eval()
        state = self.model.state_dict()
        head_size = self.config.hidden_size // self.config.num_attention_heads
        for name, tensor in list(state.items()):
            if name.endswith(("attn.k.weight", "attn.v.weight")):
                heads = tensor.view(self.config.num_key_value_heads, head_size, -1)
                state[name] = heads.repeat_interleave(2, dim=0).reshape(-1, tensor.shape[1])
        full.load_state_dict(state)
        torch.testing.assert_close(full(self.ids)[0], self.model(self.ids)[0], rtol=1e-5, atol=1e-5)

    def test_untied_model_has_its_own_head(self):
        untied = seeded(CausalLM, tiny_config(tie_word_embeddings=False))
        self.assertIn("lm_head.weight", untied.state_dict())
        self.assertNotIn("lm_head.weight", self.model.state_dict())
        with torch.no_grad():
            untied.lm_head.weight.zero_()
        self.assertEqual(float(untied(self.ids)[0].abs().max()), 0.0)


class RewardModelTest(unittest.TestCase):
    def test_scores_the_last_real_token_whatever_the_padding(self):
        model = seeded(RewardModel, tiny_config())
        sequence = torch.tensor([[5, 9, 14, 20, 7]])
        alone = model(sequence, torch.ones_like(sequence))
        padded = torch.cat((sequence, torch.tensor([[0, 0]])), dim=1)
        mask = torch.tensor([[1, 1, 1, 1, 1, 0, 0]])
        self.assertEqual(model(padded, mask).shape, (1,))
        torch.testing.assert_close(model(padded, mask), alone, rtol=1e-5, atol=1e-6)
        shorter = model(sequence[:, :4], torch.ones(1, 4, dtype=torch.long))
        self.assertNotAlmostEqual(float(shorter), float(alone), places=6)


class ModelConfigTest(unittest.TestCase):
    def test_hugging_face_fields_round_trip(self):
        config = tiny_config(model_type="qwen2", tie_word_embeddings=False, eos_token_id=258)
        self.assertEqual(ModelConfig.from_hf(config.to_hf(), "config.json"), replace(config, head_dim=config.head_size))

    def test_bad_fields_are_named(self):
        fields = tiny_config().to_hf()
        message = r"config\.json: num_attention_heads 4 is not a multiple of num_key_value_heads 3"
        with self.assertRaisesRegex(ValueError, message):
            ModelConfig.from_hf({**fields, "num_key_value_heads": 3}, "config.json")
        with self.assertRaisesRegex(ValueError, "model_type 'gpt2' is not supported"):
            ModelConfig.from_hf({**fields, "model_type": "gpt2"}, "config.json")
        with self.assertRaisesRegex(ValueError, "rope_scaling is not supported"):
            ModelConfig.from_hf({**fields, "rope_scaling": {"type": "llama3"}}, "config.json")


if __name__ == "__main__":
    unittest.main()
