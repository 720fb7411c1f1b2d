import json
import tempfile
import unittest
from pathlib import Path

from training.trainer.config import load_run_config

from .fixtures import write_run_config


class RunConfigTest(unittest.TestCase):
    def setUp(self):
        self.path = write_run_config(Path(self.enterContext(tempfile.TemporaryDirectory())) / "ci.json")
        self.fields = json.loads(self.path.read_text())

    def load_with(self, change) -> None:
        fields = json.loads(json.dumps(self.fields))  # a fresh copy of the valid config
        change(fields)
        self.path.write_text(json.dumps(fields))
        load_run_config(self.path)

    def test_reads_stages_with_defaults(self):
        run = load_run_config(self.path)
        self.assertEqual((run.seed, run.threads, run.precision, run.max_new_tokens), (7, 1, "fp32", 8))
        self.assertEqual(run.stages["dpo"].beta, 0.1)
        self.assertEqual(run.stages["sft"].min_lr_ratio, 0.1)
        self.assertEqual(run.stages["rm"].batch_size, 2)
        self.assertTrue(run.stages["sft"].group_by_length)

    def test_bad_fields_are_named(self):
        cases = [
            (lambda f: f["sft"].update(lr="fast"), r"ci\.json: sft\.lr must be a number ≥ 0, got 'fast'"),
            (lambda f: f["rm"].update(steps=0), r"ci\.json: rm\.steps must be an integer ≥ 1, got 0"),
            (lambda f: f["dpo"].update(warmup=40), r"ci\.json: dpo\.warmup must be smaller than dpo\.steps \(30\)"),
            (lambda f: f.pop("rm"), r"ci\.json: rm must be an object"),
            (lambda f: f.update(precision="fp16"), r"ci\.json: precision must be one of fp32, bf16, got 'fp16'"),
            (lambda f: f["sft"].update(group_by_length="yes"), r"ci\.json: sft\.group_by_length must be true or false"),
            (lambda f: f["model"].update(num_key_value_heads=3), r"ci\.json: model: num_attention_heads 4 is not"),
        ]
        for change, message in cases:
            with self.subTest(message), self.assertRaisesRegex(ValueError, message):
                self.load_with(change)

    def test_policy_is_dpo_alone_unless_the_config_names_rloo(self):
        run = load_run_config(self.path)
        self.assertEqual(run.policy, ("dpo",))
        self.assertNotIn("rloo", run.stages)

        rloo = {"steps": 10, "batch_size": 4, "lr": 1e-4, "k": 3, "kl_coef": 0.2, "temperature": 0.8}
        self.fields.update(policy=["dpo", "rloo"], rloo={**rloo, "trainable_layers": 1})
        self.path.write_text(json.dumps(self.fields))
        run = load_run_config(self.path)
        self.assertEqual(run.policy, ("dpo", "rloo"))
        stage = run.stages["rloo"]
        self.assertEqual((stage.k, stage.kl_coef, stage.temperature, stage.trainable_layers), (3, 0.2, 0.8, 1))
        self.assertEqual(stage.max_new_tokens, 64)
        self.assertEqual((run.start_of("dpo"), run.start_of("rloo")), ("sft", "dpo"))

    def test_bad_policy_and_rloo_fields_are_named(self):
        rloo = {"steps": 10, "batch_size": 4, "lr": 1e-4}
        cases = [
            (lambda f: f.update(policy=["rloo"]), r"ci\.json: rloo must be an object"),
            (lambda f: f.update(policy=["rloo", "dpo"], rloo=rloo), r"ci\.json: policy must list some of dpo, rloo"),
            (lambda f: f.update(policy=["dpo", "dpo"]), r"policy must list some of dpo, rloo, each once"),
            (lambda f: f.update(policy=[]), r"policy must list"),
            (lambda f: f.update(rloo={**rloo, "k": 1}), r"ci\.json: rloo\.k must be an integer ≥ 2, got 1"),
            (lambda f: f.update(rloo={**rloo, "temperature": 0}), r"rloo\.temperature must be a number > 0"),
            (lambda f: f.update(rloo={**rloo, "kl_coef": -1}), r"rloo\.kl_coef must be a number ≥ 0"),
        ]
        for change, message in cases:
            with self.subTest(message), self.assertRaisesRegex(ValueError, message):
                self.load_with(change)


if __name__ == "__main__":
    unittest.main()
