import contextlib
import io
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import torch

from training.trainer import sft
from training.trainer.checkpoint import load_causal_lm, read_weights
from training.trainer.config import StageConfig, load_run_config
from training.trainer.data import read_jsonl, sequence_length
from training.trainer.model import CausalLM
from training.trainer.precision import native_bf16
from training.trainer.train import Objective, World, initial_policy, main, train

from .fixtures import TINY_MODEL, VOCAB_SIZE, tiny_config, write_data, write_run_config, write_tokenizer


def run_stage(config: Path, stage: str, data: Path, out: Path, *extra: str) -> str:
    """Runs the train CLI in this process and returns what it printed."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        main(["--config", str(config), "--stage", stage, "--data", str(data), "--out", str(out), *extra])
    return printed.getvalue()


class TrainCliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory = Path(cls.enterClassContext(tempfile.TemporaryDirectory()))
        cls.data = write_data(cls.directory / "data", write_tokenizer(cls.directory / "tokenizer"))
        cls.config = write_run_config(cls.directory / "config.json", steps=30)
        cls.printed = {
            stage: run_stage(cls.config, stage, cls.data, cls.directory / "a" / stage) for stage in ("sft", "rm", "dpo")
        }

    def test_sft_lowers_held_out_loss(self):
        run = load_run_config(self.config)
        examples = read_jsonl(self.data / "sft.val.jsonl", "sft", VOCAB_SIZE, 64)
        batch = sft.collate(examples)
        trained = load_causal_lm(self.directory / "a" / "sft")
        before = initial_policy(trained.config, run.seed)
        with torch.no_grad():
            self.assertLess(float(sft.loss(trained, batch)), 0.7 * float(sft.loss(before, batch)))
        self.assertRegex(
            self.printed["sft"], r"sft: 30 steps in [\d.]+ s \([\d.]+ steps/s\) on \S+ \(.+?\), loss [\d.]+ → [\d.]+"
        )

    def test_same_seed_gives_identical_bytes(self):
        run_stage(self.config, "sft", self.data, self.directory / "b" / "sft")
        for name in ("model.safetensors", "config.json"):
            first = (self.directory / "a" / "sft" / name).read_bytes()
            self.assertEqual((self.directory / "b" / "sft" / name).read_bytes(), first, name)

        other_seed = write_run_config(self.directory / "other-seed.json", steps=30, seed=8)
        run_stage(other_seed, "sft", self.data, self.directory / "c" / "sft")
        self.assertNotEqual(
            (self.directory / "c" / "sft" / "model.safetensors").read_bytes(),
            (self.directory / "a" / "sft" / "model.safetensors").read_bytes(),
        )

    def test_reward_model_starts_from_the_sft_trunk_and_dpo_from_the_sft_policy(self):
        reward_weights = read_weights(self.directory / "a" / "rm")
        self.assertEqual(reward_weights["score.weight"].shape, (1, 32))
        self.assertNotIn("lm_head.weight", reward_weights)
        config = json.loads((self.directory / "a" / "rm" / "config.json").read_text())
        self.assertEqual((config["architectures"], config["num_labels"]), (["LlamaForSequenceClassification"], 1))
        # DPO's first step compares the policy with itself: every implicit reward is 0, loss = ln 2.
        first_loss = float(self.printed["dpo"].split("loss ")[-1].split(" ")[0])
        self.assertAlmostEqual(first_loss, math.log(2), places=4)

    def test_fine_tuning_the_top_layer_keeps_every_other_weight(self):
        parent = self.directory / "a" / "sft"
        config = write_run_config(self.directory / "top.json", steps=5, trainable_layers=1)
        run_stage(config, "sft", self.data, self.directory / "top" / "sft", "--init", str(parent))
        before, after = read_weights(parent), read_weights(self.directory / "top" / "sft")
        changed = {name for name in before if not torch.equal(before[name], after[name])}
        top = f"layers.{TINY_MODEL['num_hidden_layers'] - 1}."
        self.assertTrue(changed)
        self.assertEqual({name for name in changed if not name.startswith(top)}, set())

        too_many = write_run_config(self.directory / "too-many.json", steps=5, trainable_layers=9)
        with self.assertRaisesRegex(ValueError, "trainable_layers is 9, but the model has only 2 layers"):
            run_stage(too_many, "sft", self.data, self.directory / "too-many" / "sft", "--init", str(parent))

    def test_missing_init_checkpoint_is_named(self):
        with self.assertRaisesRegex(FileNotFoundError, r"nowhere/sft/config\.json: checkpoint config not found"):
            run_stage(self.config, "dpo", self.data, self.directory / "nowhere" / "dpo")


class MixedPrecisionTest(unittest.TestCase):
    """A bf16 run: as deterministic as fp32, and it learns; on hardware without native bf16 it is the fp32 run."""

    def test_bf16_sft_is_deterministic_and_learns(self):
        directory = Path(self.enterContext(tempfile.TemporaryDirectory()))
        data = write_data(directory / "data", write_tokenizer(directory / "tokenizer"))
        runs = {}
        for name, chosen in (("bf16-a", "bf16"), ("bf16-b", "bf16"), ("fp32", "fp32")):
            config = write_run_config(directory / f"{name}.json", steps=30, precision=chosen)
            run_stage(config, "sft", data, directory / name / "sft")
            runs[name] = (directory / name / "sft" / "model.safetensors").read_bytes()
        self.assertEqual(runs["bf16-a"], runs["bf16-b"])
        if native_bf16(World().device):
            self.assertNotEqual(runs["bf16-a"], runs["fp32"])
        else:
            self.assertEqual(runs["bf16-a"], runs["fp32"])

        examples = read_jsonl(data / "sft.val.jsonl", "sft", VOCAB_SIZE, 64)
        batch = sft.collate(examples)
        trained = load_causal_lm(directory / "bf16-a" / "sft")
        before = initial_policy(trained.config, 7)
        with torch.no_grad():
            self.assertLess(float(sft.loss(trained, batch)), 0.7 * float(sft.loss(before, batch)))


class GradientAccumulationTest(unittest.TestCase):
    def test_two_micro_batches_equal_one_batch_of_both(self):
        # Equal-length examples with equal target counts: the mean of the micro-batch means is
        # the mean over the whole batch, so both runs take the same step.
        rows = torch.randint(0, VOCAB_SIZE, (8, 10), generator=torch.Generator().manual_seed(0)).tolist()
        examples = [{"input_ids": row, "loss_mask": [0] * 4 + [1] * 6} for row in rows]
        models = []
        for batch_size, grad_accum in ((8, 1), (4, 2)):
            torch.manual_seed(0)
            model = CausalLM(tiny_config())
            stage = StageConfig(
                steps=1, batch_size=batch_size, grad_accum=grad_accum, lr=1e-2, warmup=0, weight_decay=0.0
            )
            with contextlib.redirect_stdout(io.StringIO()):
                train(model, Objective(sft.collate, sft.loss, sequence_length("sft")), examples, stage, seed=3)
            models.append(model.state_dict())
        for name, tensor in models[0].items():
            torch.testing.assert_close(models[1][name], tensor, rtol=1e-4, atol=1e-6, msg=name)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class DistributedTest(unittest.TestCase):
    def test_two_processes_take_the_steps_of_one_process_with_twice_the_batch(self):
        directory = Path(self.enterContext(tempfile.TemporaryDirectory()))
        data = write_data(directory / "data", write_tokenizer(directory / "tokenizer"))
        # One process per GPU needs two GPUs; with fewer, both runs use the CPU (DDP over gloo), the
        # single process too, so that the comparison is of DDP and not of two devices.
        device = {"CUDA_VISIBLE_DEVICES": ""} if torch.cuda.device_count() < 2 else {}

        def trainer(config: Path, out: str, env: dict[str, str]) -> subprocess.Popen:
            command = [sys.executable, "-m", "training.trainer.train", "--config", str(config), "--stage", "sft"]
            command += ["--data", str(data), "--out", str(directory / out)]
            output = {"stdout": subprocess.PIPE, "stderr": subprocess.STDOUT, "text": True}
            return subprocess.Popen(command, env={**os.environ, **device, **env}, **output)

        # The environment `torchrun` gives each process, set by hand: Debian's torchrun on
        # Python 3.11 cannot parse its own default --redirects value.
        per_process = write_run_config(directory / "per-process.json", steps=4, batch_size=4)
        port = str(free_port())
        world = {"WORLD_SIZE": "2", "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": port}
        processes = [trainer(per_process, "ddp", {**world, "RANK": str(r), "LOCAL_RANK": str(r)}) for r in range(2)]
        outputs = [process.communicate(timeout=120)[0] for process in processes]
        self.assertEqual([process.returncode for process in processes], [0, 0], outputs)
        self.assertIn("sft: 4 steps", outputs[0])
        self.assertIn("2 processes", outputs[0])
        self.assertNotIn("wrote", outputs[1])

        # Rank r takes every other example of the shuffle, so the two ranks' micro-batches
        # together are the single process's; all sequences here have the same target count,
        # so averaging the two ranks' gradients gives the single process's gradient.
        whole = write_run_config(directory / "whole.json", steps=4, batch_size=8)
        alone = trainer(whole, "single", {})
        output = alone.communicate(timeout=120)[0]
        self.assertEqual(alone.returncode, 0, output)
        single, ddp = read_weights(directory / "single"), read_weights(directory / "ddp")
        for name, tensor in single.items():
            torch.testing.assert_close(ddp[name], tensor, rtol=1e-4, atol=1e-5, msg=name)


if __name__ == "__main__":
    unittest.main()
