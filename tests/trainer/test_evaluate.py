import contextlib
import io
import json
import shutil
import tempfile
import unittest
from pathlib import Path

import torch

from training.trainer.checkpoint import load_causal_lm
from training.trainer.evaluate import exact_match_by_group, tool_figures, tool_grades, tool_table, win_rate
from training.trainer.evaluate import main as evaluate_main
from training.trainer.tokenizer import Tokenizer
from training.trainer.train import initial_policy
from training.trainer.train import main as train_main

from .fixtures import IM_END, write_data, write_run_config, write_tokenizer, write_tool_eval

FIGURES = [
    "sft.val_ppl_before",
    "sft.val_ppl",
    "rm.pairwise_accuracy",
    "dpo.implicit_reward_accuracy",
    "sft.preference_accuracy",
    "dpo.preference_accuracy",
    "exact_match.before",
    "exact_match.sft",
    "exact_match.dpo",
    "exact_match.seen",
    "exact_match.seen.reverse",
    "win_rate.dpo_vs_parent",
    "exact_match.dpo.reverse",
    "exact_match.dpo.variation.plain",
    "exact_match.dpo.variation.capitalisation",
    "exact_match.dpo.variation.case.upper",
    "exact_match.tools.reverse-tool",
    "exact_match.no_tools.reverse-tool",
]


def quietly(function, *args):
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        function(*args)
    return printed.getvalue()


class EvaluateCliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory = Path(cls.enterClassContext(tempfile.TemporaryDirectory()))
        cls.tokenizer_dir = write_tokenizer(cls.directory / "tokenizer")
        cls.data = write_data(cls.directory / "data", cls.tokenizer_dir)
        write_tool_eval(cls.data)
        cls.config = write_run_config(cls.directory / "config.json", steps=30)
        checkpoints = cls.directory / "checkpoints"
        for stage in ("sft", "rm", "dpo"):
            quietly(
                train_main,
                [
                    "--config",
                    str(cls.config),
                    "--stage",
                    stage,
                    "--data",
                    str(cls.data),
                    "--out",
                    str(checkpoints / stage),
                ],
            )
        cls.report_path = cls.directory / "eval" / "report.json"
        cls.report_path.parent.mkdir()
        cls.report_path.write_text(json.dumps({"onnx.q4.val_ppl": 3.5, "exact_match.sft": -1}))
        cls.printed = quietly(
            evaluate_main,
            [
                "--config",
                str(cls.config),
                "--data",
                str(cls.data),
                "--checkpoints",
                str(checkpoints),
                "--out",
                str(cls.report_path),
            ],
        )
        cls.report = json.loads(cls.report_path.read_text())

    def test_report_holds_every_figure_and_keeps_other_stages_figures(self):
        self.assertEqual(self.report["onnx.q4.val_ppl"], 3.5)
        for name in FIGURES:
            self.assertIn(name, self.report)
            self.assertRegex(self.printed, rf"{name.replace('.', '[.]')}\s+\d+\.\d{{4}}")
        for name in FIGURES[2:]:
            self.assertTrue(0.0 <= self.report[name] <= 1.0, name)
        self.assertGreaterEqual(self.report["exact_match.sft"], 0.0)  # replaced, not kept

    def test_without_a_parent_no_figure_claims_one(self):
        self.assertNotIn("win_rate.vs_parent", self.report)
        self.assertNotIn("win_rate.parent", self.report)

    def parent_dir(self, name: str, stage: str, tokenizer: Path | None = None) -> Path:
        """A published parent as the parent stage writes it: checkpoint, parent.json, model/ tokenizer."""
        parent = self.directory / name
        shutil.copytree(self.directory / "checkpoints" / stage, parent)
        (parent / "parent.json").write_text(json.dumps({"model": "hearth-test", "version": 3}))
        shutil.copytree(tokenizer or self.tokenizer_dir, parent / "model")
        return parent

    def evaluate_against(self, parent: Path) -> dict:
        out = self.directory / f"report-{parent.name}.json"
        arguments = ["--config", str(self.config), "--data", str(self.data)]
        arguments += ["--checkpoints", str(self.directory / "checkpoints"), "--out", str(out)]
        printed = quietly(evaluate_main, [*arguments, "--parent", str(parent)])
        self.assertRegex(printed, r"win_rate[.]vs_parent\s+\d[.]\d{4}")
        return json.loads(out.read_text())

    def test_win_rate_over_a_published_parent(self):
        # A parent holding this run's sft weights: the same replies, the same judge, the same figure.
        report = self.evaluate_against(self.parent_dir("parent-sft", "sft"))
        self.assertEqual(report["win_rate.parent"], {"model": "hearth-test", "version": 3})
        self.assertEqual(report["win_rate.vs_parent"], self.report["win_rate.dpo_vs_parent"])
        self.assertEqual(report["win_rate.dpo_vs_parent"], self.report["win_rate.dpo_vs_parent"])
        # The new policy against itself: every reply identical, every comparison a tie.
        self.assertEqual(self.evaluate_against(self.parent_dir("parent-dpo", "dpo"))["win_rate.vs_parent"], 0.5)

    def test_refuses_a_parent_published_with_another_tokenizer(self):
        other = write_tokenizer(self.directory / "other-tokenizer")
        spec = json.loads((other / "tokenizer.json").read_text())
        spec["added_tokens"][0]["content"] = "<|end|>"
        (other / "tokenizer.json").write_text(json.dumps(spec))
        parent = self.parent_dir("parent-other", "sft", other)
        with self.assertRaisesRegex(ValueError, "trained with .*model/tokenizer.json but the data was tokenized"):
            self.evaluate_against(parent)

    def test_sft_lowers_held_out_perplexity(self):
        self.assertLess(self.report["sft.val_ppl"], 0.5 * self.report["sft.val_ppl_before"])

    def test_greedy_replies_of_the_dpo_policy(self):
        prompts = [json.loads(line) for line in (self.data / "eval.jsonl").read_text().splitlines()]
        greedy = self.report["greedy"]
        self.assertEqual([record["tree_id"] for record in greedy], [prompt["tree_id"] for prompt in prompts])
        tokenizer = Tokenizer.load(self.tokenizer_dir)
        for record, prompt in zip(greedy, prompts):
            self.assertEqual(record["answer"], prompt["answer"])
            self.assertEqual(record["output"], tokenizer.decode(record["output_ids"]))
            self.assertEqual(record["correct"], record["output"].strip() == prompt["answer"])
            self.assertLessEqual(len(record["output_ids"]), 8)
        self.assertAlmostEqual(sum(r["correct"] for r in greedy) / len(greedy), self.report["exact_match.dpo"])

    def test_held_out_exact_match_per_skill_and_variation_with_counts(self):
        prompts = [json.loads(line) for line in (self.data / "eval.jsonl").read_text().splitlines()]
        correct = {record["tree_id"]: record["correct"] for record in self.report["greedy"]}
        plain = [p for p in prompts if "plain" in p["variations"]]
        self.assertEqual(self.report["eval_counts"]["variation.plain"], len(plain))
        self.assertEqual(self.report["eval_counts"]["reverse"], len(prompts))
        self.assertAlmostEqual(
            self.report["exact_match.dpo.variation.plain"], sum(correct[p["tree_id"]] for p in plain) / len(plain)
        )
        self.assertAlmostEqual(self.report["exact_match.dpo.reverse"], self.report["exact_match.dpo"])
        self.assertRegex(self.printed, rf"exact_match[.]dpo[.]variation[.]plain\s+\d[.]\d{{4}}  of {len(plain)}")
        # Per-skill figures of the training trees stay exactly one per skill (the shipped test counts them).
        per_seen_skill = [name for name in self.report if name.startswith("exact_match.seen.")]
        self.assertEqual(per_seen_skill, ["exact_match.seen.reverse"])

    def test_tool_questions_with_and_without_tools_in_a_table(self):
        self.assertEqual(self.report["tool_eval_counts"], {"reverse-tool": 6})
        records = self.report["greedy.tools"]
        self.assertEqual([record["tree_id"] for record in records], [f"tool-{i}" for i in range(6)])
        self.assertAlmostEqual(
            self.report["exact_match.tools.reverse-tool"], sum(r["with_tools"] for r in records) / 6
        )
        self.assertAlmostEqual(
            self.report["exact_match.no_tools.reverse-tool"], sum(r["without_tools"] for r in records) / 6
        )
        self.assertRegex(self.printed, r"tool skills [(]dpo[)]\s+with tools\s+without tools\s+questions")
        self.assertRegex(self.printed, r"reverse-tool\s+\d[.]\d{4}\s+\d[.]\d{4}\s+6")


class ToolGradesTest(unittest.TestCase):
    """Grading against scripted replies: each prompt (a tuple of ids) gets the reply listed for it."""

    tokenizer = None

    @classmethod
    def setUpClass(cls):
        directory = Path(cls.enterClassContext(tempfile.TemporaryDirectory()))
        cls.tokenizer = Tokenizer.load(write_tokenizer(directory / "tokenizer"))

    def grade(self, replies: dict[tuple, str], asked: list | None = None) -> dict:
        example = {
            "tree_id": "t",
            "skill": "lookup",
            "prompt_ids": [1],
            "answer": "It is 7.",
            "tool_stages": [
                {"prompt_ids": [2], "answer": "<call>", "max_new_tokens": 20},
                {"prompt_ids": [3], "answer": "It is 7.", "max_new_tokens": 9},
            ],
        }

        def reply(prompt_ids: list[int], budget: int) -> list[int]:
            if asked is not None:
                asked.append((tuple(prompt_ids), budget))
            return [*replies[tuple(prompt_ids)].encode(), IM_END]

        [record] = tool_grades(reply, [example], self.tokenizer, max_new_tokens=5)
        return record

    def test_right_with_tools_only_when_the_call_and_the_answer_are(self):
        asked = []
        record = self.grade({(2,): "<call>", (3,): "It is 7.", (1,): "It is 8."}, asked)
        self.assertEqual((record["with_tools"], record["without_tools"]), (True, False))
        # Each stage within its own budget; the question without tools within the run's.
        self.assertEqual(asked, [((2,), 20), ((3,), 9), ((1,), 5)])
        self.assertFalse(self.grade({(2,): "<call>", (3,): "It is 8.", (1,): "It is 7."})["with_tools"])

    def test_a_wrong_call_ends_the_stages(self):
        asked = []
        record = self.grade({(2,): "<cal>", (1,): "It is 7."}, asked)
        self.assertEqual((record["with_tools"], record["without_tools"]), (False, True))
        self.assertEqual(record["stages"], [{"output": "<cal>", "correct": False}])
        self.assertNotIn((3,), [prompt for prompt, _ in asked])

    def test_figures_per_skill_with_counts(self):
        records = [
            {"skill": "calc", "with_tools": True, "without_tools": False},
            {"skill": "calc", "with_tools": False, "without_tools": False},
            {"skill": "notes", "with_tools": True, "without_tools": True},
        ]
        figures = tool_figures(records)
        self.assertEqual(figures["exact_match.tools.calc"], 0.5)
        self.assertEqual(figures["exact_match.no_tools.calc"], 0.0)
        self.assertEqual(figures["exact_match.tools.notes"], 1.0)
        self.assertEqual(figures["tool_eval_counts"], {"calc": 2, "notes": 1})
        self.assertIs(figures["greedy.tools"], records)


class ToolTableTest(unittest.TestCase):
    def test_prints_each_tool_skill_with_and_without_tools_and_the_multiplication_baseline(self):
        figures = {
            "exact_match.tools.calculator": 0.75,
            "exact_match.no_tools.calculator": 0.0,
            "tool_eval_counts": {"calculator": 4},
            "exact_match.dpo.multiplication": 0.5,
            "eval_counts": {"multiplication": 6},
        }
        lines = tool_table(figures, "dpo").splitlines()
        self.assertRegex(lines[0], r"^tool skills [(]dpo[)]\s+with tools  without tools  questions$")
        self.assertRegex(lines[1], r"^calculator\s+0[.]7500\s+0[.]0000\s+4$")
        self.assertRegex(lines[2], r"^multiplication [(]baseline[)]\s+-\s+0[.]5000\s+6$")
        self.assertEqual(tool_table({"exact_match.dpo": 0.5}, "dpo"), "")


class BeforeBaselineTest(unittest.TestCase):
    def test_before_model_is_exactly_where_sft_starts(self):
        directory = Path(self.enterContext(tempfile.TemporaryDirectory()))
        data = write_data(directory / "data", write_tokenizer(directory / "tokenizer"))
        config_path = write_run_config(directory / "config.json", steps=4)
        config = json.loads(config_path.read_text())
        config["sft"]["lr"] = 0.0  # no update: the checkpoint is the initial model
        config_path.write_text(json.dumps(config))
        quietly(
            train_main,
            ["--config", str(config_path), "--stage", "sft", "--data", str(data), "--out", str(directory / "sft")],
        )
        saved = load_causal_lm(directory / "sft")
        before = initial_policy(saved.config, config["seed"])
        for name, tensor in saved.state_dict().items():
            self.assertTrue(torch.equal(before.state_dict()[name], tensor), name)


class ExactMatchByGroupTest(unittest.TestCase):
    def test_each_question_counts_in_its_skill_and_every_variation_kind(self):
        examples = [
            {"skill": "addition", "variations": ["plain"]},
            {"skill": "addition", "variations": ["later-turn", "turn.2", "quotes", "quotes.single"]},
            {"skill": "backwards", "variations": ["later-turn", "turn.3", "later-turn"]},
            {"skill": "backwards", "variations": ["case.upper", "capitalisation"]},
            {"answer": "made before skills and variations were written"},
        ]
        groups = exact_match_by_group([True, False, True, True, False], examples)
        self.assertEqual(
            groups,
            {
                "addition": (0.5, 2),
                "backwards": (1.0, 2),
                "variation.capitalisation": (1.0, 1),
                "variation.case.upper": (1.0, 1),
                "variation.later-turn": (0.5, 2),
                "variation.plain": (1.0, 1),
                "variation.quotes": (0.0, 1),
                "variation.quotes.single": (0.0, 1),
                "variation.turn.2": (0.0, 1),
                "variation.turn.3": (1.0, 1),
            },
        )
        self.assertEqual(list(groups), sorted(groups))

    def test_refuses_grades_that_do_not_match_the_questions(self):
        with self.assertRaises(ValueError):
            exact_match_by_group([True], [])


class WinRateTest(unittest.TestCase):
    def test_win_tie_and_loss_as_judged(self):
        def judge(input_ids, attention_mask):  # prefers replies with larger token ids
            return (input_ids * attention_mask).sum(-1).float()

        prompts = [[1, 2], [1, 2], [3], [4]]
        new = [[9], [5, 5], [2], [7]]
        parent = [[8], [5, 5], [6], [7, 0]]  # win, identical (tie), loss, equal score (tie)
        self.assertAlmostEqual(win_rate(judge, prompts, new, parent, torch.device("cpu")), (1 + 0.5 + 0 + 0.5) / 4)


if __name__ == "__main__":
    unittest.main()
