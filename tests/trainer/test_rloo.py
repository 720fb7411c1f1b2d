import contextlib
import io
import json
import shutil
import tempfile
import unittest
from pathlib import Path

import torch
from torch import nn

from training.trainer import dpo, rloo
from training.trainer.checkpoint import read_weights
from training.trainer.config import StageConfig
from training.trainer.data import PAD_ID, PAD_MULTIPLE
from training.trainer.evaluate import main as evaluate_main
from training.trainer.generate import greedy, left_pad, sample
from training.trainer.hf_config import ModelConfig
from training.trainer.model import CausalLM
from training.trainer.train import Objective, World, train
from training.trainer.train import main as train_main

from .fixtures import IM_END, TINY_MODEL, prompt_ids, tiny_config, write_data, write_run_config, write_tokenizer


class LeaveOneOutTest(unittest.TestCase):
    def test_each_reward_less_the_mean_of_its_siblings(self):
        rewards = torch.tensor([[1.0, 2.0, 3.0, 6.0], [5.0, 5.0, 5.0, 5.0]])
        expected = torch.tensor(
            [
                [1 - (2 + 3 + 6) / 3, 2 - (1 + 3 + 6) / 3, 3 - (1 + 2 + 6) / 3, 6 - (1 + 2 + 3) / 3],
                [0.0, 0.0, 0.0, 0.0],  # equal rewards: nothing to learn from this prompt
            ]
        )
        torch.testing.assert_close(rloo.leave_one_out_advantages(rewards), expected)

    def test_advantages_sum_to_zero_per_prompt_and_scale_the_mean_centred_rewards(self):
        torch.manual_seed(0)
        rewards = torch.randn(3, 5)
        advantages = rloo.leave_one_out_advantages(rewards)
        torch.testing.assert_close(advantages.sum(-1), torch.zeros(3), atol=1e-6, rtol=0)
        # r_i − mean of the others = k/(k−1) · (r_i − mean of all k)
        torch.testing.assert_close(advantages, 5 / 4 * (rewards - rewards.mean(-1, keepdim=True)))

    def test_two_samples_push_apart_by_their_difference(self):
        advantages = rloo.leave_one_out_advantages(torch.tensor([[0.5, 2.0]]))
        torch.testing.assert_close(advantages, torch.tensor([[-1.5, 1.5]]))


class MaskingAndKlTest(unittest.TestCase):
    # Two rows of T = 5 positions: row 0 is prompt [p p] + reply [r r <end>]; row 1 is a left pad,
    # prompt [p], reply [r <end>] and a right pad. Token log-probs predict positions 1 … 4.
    response_mask = torch.tensor([[0, 0, 1, 1, 1], [0, 0, 1, 1, 0]])

    def test_reply_log_prob_sums_the_reply_tokens_only(self):
        token_logprobs = torch.tensor([[-9.0, -1.0, -2.0, -0.5], [-7.0, -0.25, -3.0, float("-inf")]])
        torch.testing.assert_close(
            rloo.reply_logprob(token_logprobs, self.response_mask), torch.tensor([-3.5, -3.25])
        )

    def test_kl_is_the_summed_per_token_log_ratio_over_the_reply(self):
        policy = torch.tensor([[-1.0, -1.0, -2.0, -0.5], [-3.0, -0.5, -1.0, 0.0]])
        reference = torch.tensor([[-5.0, -2.0, -1.0, -0.5], [-1.0, -1.5, -1.0, float("nan")]])
        # row 0: (−1 + 2) + (−2 + 1) + (−0.5 + 0.5) = 0; row 1: (−0.5 + 1.5) + (−1 + 1) = 1
        kl = rloo.kl_penalty(policy, reference, self.response_mask)
        torch.testing.assert_close(kl, torch.tensor([0.0, 1.0]))
        torch.testing.assert_close(rloo.kl_penalty(policy, policy, self.response_mask), torch.zeros(2))

    def test_loss_gradient_is_minus_the_advantage_over_the_batch_size(self):
        logprobs = torch.tensor([-3.0, -2.0, -4.0], requires_grad=True)
        advantages = torch.tensor([1.0, -0.5, -0.5], requires_grad=True)
        loss = rloo.rloo_loss(advantages, logprobs)
        torch.testing.assert_close(loss, -(1.0 * -3.0 + -0.5 * -2.0 + -0.5 * -4.0) / 3 * torch.ones(()))
        loss.backward()
        torch.testing.assert_close(logprobs.grad, torch.tensor([-1.0, 0.5, 0.5]) / 3)
        self.assertIsNone(advantages.grad)  # a constant to the loss

    def test_distinct_prompts_keep_the_first_pair_of_each(self):
        pairs = [
            {"tree_id": "a", "prompt_ids": [1, 2], "chosen_ids": [3], "rejected_ids": [4]},
            {"tree_id": "a", "prompt_ids": [1, 2], "chosen_ids": [3], "rejected_ids": [5]},
            {"tree_id": "b", "prompt_ids": [6], "chosen_ids": [7], "rejected_ids": [8]},
        ]
        self.assertEqual(
            rloo.distinct_prompts(pairs), [{"tree_id": "a", "prompt_ids": [1, 2]}, {"tree_id": "b", "prompt_ids": [6]}]
        )


def rloo_stage(**fields) -> StageConfig:
    defaults = dict(steps=1, batch_size=2, grad_accum=1, lr=1e-3, warmup=0, weight_decay=0.0)
    return StageConfig(**{**defaults, **fields})


class SamplingTest(unittest.TestCase):
    def setUp(self):
        torch.manual_seed(0)
        self.model = CausalLM(tiny_config()).eval()
        self.prompts = [prompt_ids("abc"), prompt_ids("defgh")[2:], prompt_ids("z")]

    def test_near_zero_temperature_is_greedy_decoding_of_each_left_padded_prompt(self):
        input_ids, attention_mask = left_pad(self.prompts)
        self.assertEqual(input_ids.shape[1] % PAD_MULTIPLE, 0)
        stop = 999  # never produced: every row runs the whole budget
        generator = torch.Generator().manual_seed(0)
        tokens, mask = sample(self.model, input_ids, attention_mask, 6, stop, 1e-6, generator)
        self.assertEqual(tokens.tolist(), [greedy(self.model, prompt, 6, stop) for prompt in self.prompts])
        self.assertEqual(mask.tolist(), [[1] * 6] * 3)

    def test_rows_end_at_the_stop_token_and_pad_after_it(self):
        batch = rloo.collate([{"prompt_ids": prompt} for prompt in self.prompts])
        generator = torch.Generator().manual_seed(3)
        # At a high temperature every token is likely, the stop token among them.
        stage = rloo_stage(k=3, temperature=50.0, max_new_tokens=40)
        stop = 7
        rows = rloo.rollouts(self.model, batch, stage, stop, generator)
        width = batch["input_ids"].shape[1]
        self.assertEqual(rows["input_ids"].shape[0], 9)
        self.assertEqual(rows["input_ids"].shape[1] % PAD_MULTIPLE, 0)
        ended = 0
        for row in range(9):
            # Rows b·k … b·k + k − 1 answer prompt b.
            torch.testing.assert_close(rows["input_ids"][row, :width], batch["input_ids"][row // 3])
            reply = rows["input_ids"][row, width:]
            mask = rows["response_mask"][row, width:]
            self.assertEqual(rows["response_mask"][row, :width].count_nonzero(), 0)
            torch.testing.assert_close(rows["attention_mask"][row, width:], mask)
            length = int(mask.sum())
            self.assertEqual(mask[:length].tolist(), [1] * length)  # a prefix of the reply columns
            self.assertTrue(all(token == PAD_ID for token in reply[length:].tolist()))
            stops = (reply[:length] == stop).nonzero().flatten().tolist()
            if stops:
                self.assertEqual(stops, [length - 1])  # the stop token ends the reply and counts in it
                ended += 1
            else:
                self.assertEqual(length, 40)  # ran out of budget
        self.assertGreater(ended, 0)

    def test_the_same_seed_samples_the_same_replies(self):
        batch = rloo.collate([{"prompt_ids": prompt} for prompt in self.prompts])
        stage = rloo_stage(k=2, temperature=1.0, max_new_tokens=8)

        def draw(seed):
            return rloo.rollouts(self.model, batch, stage, IM_END, torch.Generator().manual_seed(seed))["input_ids"]

        self.assertTrue(torch.equal(draw(1), draw(1)))
        self.assertFalse(torch.equal(draw(1), draw(2)))

    def test_reply_log_probs_on_left_padded_rows_match_dpo_on_unpadded_ones(self):
        batch = rloo.collate([{"prompt_ids": prompt} for prompt in self.prompts])
        stage = rloo_stage(k=1, temperature=1.0, max_new_tokens=5)
        rows = rloo.rollouts(self.model, batch, stage, IM_END, torch.Generator().manual_seed(0))
        with torch.no_grad():
            ours = rloo.reply_logprob(rloo.token_logprobs(self.model, rows), rows["response_mask"])
            width = batch["input_ids"].shape[1]
            replies = [
                row[width:][mask[width:].bool()].tolist() for row, mask in zip(rows["input_ids"], rows["response_mask"])
            ]
            pairs = [{"prompt_ids": p, "chosen_ids": r, "rejected_ids": r} for p, r in zip(self.prompts, replies)]
            theirs = dpo.sequence_logprobs(self.model, dpo.collate(pairs)).chunk(2)[0]
        torch.testing.assert_close(ours, theirs, atol=1e-4, rtol=1e-4)


TOY_VOCAB = 8
LIKED = 3  # the token the toy reward counts


class CountsTheLikedToken(nn.Module):
    """A toy reward model: how often the liked token occurs in the row. The prompt's share is the
    same for all k replies to it, so the advantages see the replies' counts alone."""

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return ((input_ids == LIKED) & attention_mask.bool()).sum(-1).float()


# Where train() puts the policy (the GPU when there is one): the reference and the sampling
# generator must be there too.
DEVICE = World().device


class ToyRunTest(unittest.TestCase):
    """A few RLOO steps on a tiny model raise a toy reward, and the KL penalty holds them back."""

    prompts = [{"prompt_ids": [1, 2, (i % 5) + 1]} for i in range(16)]

    def liked_share(self, model: CausalLM) -> float:
        """The liked token's share of 256 sampled reply tokens (one fixed draw for every model)."""
        batch = {name: tensor.to(DEVICE) for name, tensor in rloo.collate(self.prompts).items()}
        stage = rloo_stage(k=2, temperature=1.0, max_new_tokens=8)
        generator = torch.Generator(DEVICE).manual_seed(99)
        rows = rloo.rollouts(model.to(DEVICE), batch, stage, TOY_VOCAB, generator)
        replies = rows["input_ids"][rows["response_mask"].bool()]
        return float((replies == LIKED).float().mean())

    def trained(self, kl_coef: float) -> tuple[CausalLM, CausalLM]:
        config = ModelConfig(vocab_size=TOY_VOCAB, **{**TINY_MODEL, "num_hidden_layers": 1})
        torch.manual_seed(0)
        start = CausalLM(config).to(DEVICE)
        model = CausalLM(config)
        model.load_state_dict(start.state_dict())
        stage = rloo_stage(steps=15, batch_size=4, lr=1e-2, k=4, kl_coef=kl_coef, max_new_tokens=6)
        loss = rloo.make_loss(
            start, CountsTheLikedToken(), stage, TOY_VOCAB, torch.Generator(DEVICE).manual_seed(0), rloo.Progress()
        )
        # No stop token in a vocabulary of 8: every reply runs the whole budget.
        objective = Objective(rloo.collate, loss, lambda prompt: len(prompt["prompt_ids"]))
        with contextlib.redirect_stdout(io.StringIO()):  # the progress bar
            train(model, objective, self.prompts, stage, seed=0)
        return start, model

    def test_rloo_raises_the_reward_and_the_kl_penalty_holds_the_policy_nearer_its_start(self):
        start, free = self.trained(kl_coef=0.0)
        before, after = self.liked_share(start), self.liked_share(free)
        self.assertLess(before, 0.25)  # about 1 in 8 before training
        self.assertGreater(after, before + 0.3)
        _, held = self.trained(kl_coef=2.0)
        self.assertLess(self.liked_share(held), after)


def quietly(function, argv: list[str]) -> str:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        function(argv)
    return printed.getvalue()


class RlooCliTest(unittest.TestCase):
    """The rloo stage and the evaluation of a config whose policy is dpo then rloo."""

    @classmethod
    def setUpClass(cls):
        cls.directory = Path(cls.enterClassContext(tempfile.TemporaryDirectory()))
        cls.data = write_data(cls.directory / "data", write_tokenizer(cls.directory / "tokenizer"))
        cls.config = write_run_config(cls.directory / "config.json", steps=12)
        fields = json.loads(cls.config.read_text())
        fields["policy"] = ["dpo", "rloo"]
        stage = dict(steps=4, batch_size=2, lr=1e-3, warmup=1, weight_decay=0.0, k=3, max_new_tokens=6)
        fields["rloo"] = {**stage, "kl_coef": 0.1, "temperature": 1.0, "trainable_layers": 1}
        cls.config.write_text(json.dumps(fields))
        cls.checkpoints = cls.directory / "checkpoints"
        cls.printed = {
            stage: cls.train(stage) for stage in ("sft", "rm", "dpo", "rloo")  # rloo: --init dpo by default
        }

    @classmethod
    def train(cls, stage: str) -> str:
        argv = ["--config", str(cls.config), "--stage", stage, "--data", str(cls.data)]
        return quietly(train_main, [*argv, "--out", str(cls.checkpoints / stage)])

    def test_starts_from_the_dpo_policy_and_trains_only_its_top_layer(self):
        self.assertRegex(
            self.printed["rloo"],
            r"rloo: 4 steps in [\d.]+ s \([\d.]+ steps/s\) on \S+ \(.+?\), "
            r"reward-model score -?[\d.]+ → -?[\d.]+, KL to the start [\d.]+",
        )
        start, trained = read_weights(self.checkpoints / "dpo"), read_weights(self.checkpoints / "rloo")
        self.assertEqual(start.keys(), trained.keys())
        for name, tensor in start.items():
            if name.startswith("layers.1."):
                continue
            self.assertTrue(torch.equal(trained[name], tensor), name)
        self.assertTrue(any(not torch.equal(trained[n], start[n]) for n in start if n.startswith("layers.1.")))

    def test_evaluates_and_publishes_the_last_objectives_policy(self):
        out = self.directory / "report.json"
        argv = ["--config", str(self.config), "--data", str(self.data)]
        printed = quietly(evaluate_main, [*argv, "--checkpoints", str(self.checkpoints), "--out", str(out)])
        report = json.loads(out.read_text())
        for name in ("rm_score.sft", "rm_score.dpo", "rm_score.rloo", "exact_match.rloo", "win_rate.rloo_vs_parent"):
            self.assertIsInstance(report[name], float, name)
            self.assertRegex(printed, rf"{name.replace('.', '[.]')}\s+-?\d+\.\d{{4}}")
        self.assertIn("win_rate.dpo_vs_parent", report)
        self.assertIn("exact_match.rloo.reverse", report)
        self.assertNotIn("exact_match.dpo.reverse", report)
        greedy_share = sum(record["correct"] for record in report["greedy"]) / len(report["greedy"])
        self.assertAlmostEqual(greedy_share, report["exact_match.rloo"])

    def test_rloo_alone_starts_from_sft_and_reports_no_dpo_figures(self):
        config = self.directory / "rloo-alone.json"
        config.write_text(json.dumps({**json.loads(self.config.read_text()), "policy": ["rloo"]}))
        alone = self.directory / "alone"
        for stage in ("sft", "rm"):
            shutil.copytree(self.checkpoints / stage, alone / stage)
        argv = ["--config", str(config), "--data", str(self.data)]
        printed = quietly(train_main, [*argv, "--stage", "rloo", "--out", str(alone / "rloo")])
        self.assertIn("rloo: 4 steps", printed)
        start, trained = read_weights(alone / "sft"), read_weights(alone / "rloo")
        # Only the top layer trains, so the embedding is still that of the policy it started from.
        self.assertTrue(torch.equal(trained["tok_emb.weight"], start["tok_emb.weight"]))
        dpo_weights = read_weights(self.checkpoints / "dpo")
        self.assertFalse(torch.equal(trained["tok_emb.weight"], dpo_weights["tok_emb.weight"]))
        out = self.directory / "report-alone.json"
        quietly(evaluate_main, [*argv, "--checkpoints", str(alone), "--out", str(out)])
        report = json.loads(out.read_text())
        self.assertEqual([name for name in report if name.startswith("dpo.") or ".dpo" in name], [])
        self.assertIn("win_rate.rloo_vs_parent", report)  # against sft, where it started
        self.assertEqual(report["rm_score.sft"], self.evaluated()["rm_score.sft"])

    def evaluated(self) -> dict:
        out = self.directory / "report.json"
        if not out.exists():
            argv = ["--config", str(self.config), "--data", str(self.data)]
            quietly(evaluate_main, [*argv, "--checkpoints", str(self.checkpoints), "--out", str(out)])
        return json.loads(out.read_text())


if __name__ == "__main__":
    unittest.main()
