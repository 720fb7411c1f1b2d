import json
import random
import tempfile
import unittest
from pathlib import Path

from training.trainer.data import batches, read_jsonl, sequence_length


class ReadJsonlTest(unittest.TestCase):
    def setUp(self):
        self.directory = Path(self.enterContext(tempfile.TemporaryDirectory()))

    def read(self, lines: list[str], kind: str = "sft"):
        path = self.directory / f"{kind}.train.jsonl"
        path.write_text("\n".join(lines) + "\n")
        return read_jsonl(path, kind, vocab_size=259, max_positions=16)

    def test_reads_valid_lines_and_skips_blank_ones(self):
        good = json.dumps({"tree_id": "a", "input_ids": [1, 2, 3], "loss_mask": [0, 1, 1]})
        self.assertEqual(len(self.read([good, "", good])), 2)

    def test_malformed_line_names_file_and_line(self):
        good = json.dumps({"tree_id": "a", "input_ids": [1, 2, 3], "loss_mask": [0, 1, 1]})
        with self.assertRaisesRegex(ValueError, r"sft\.train\.jsonl:3: not valid JSON"):
            self.read([good, good, '{"tree_id": "a", "input_ids": [1, 2'])

    def test_bad_fields_name_file_line_and_field(self):
        cases = [
            ({"tree_id": "a", "input_ids": [1, 2], "loss_mask": [0, 1, 1]}, "sft", r"sft\.train\.jsonl:1: loss_mask"),
            ({"tree_id": "a", "input_ids": [1, 999], "loss_mask": [0, 1]}, "sft", r":1: input_ids holds 999"),
            ({"input_ids": [1, 2], "loss_mask": [0, 1]}, "sft", r":1: tree_id is missing"),
            ({"tree_id": "a", "prefix_ids": [1], "replies": [[2]]}, "rm", r"rm\.train\.jsonl:1: replies must be"),
            ({"tree_id": "a", "prompt_ids": [1], "chosen_ids": [], "rejected_ids": [2]}, "dpo", r":1: chosen_ids"),
            ({"tree_id": "a", "input_ids": list(range(17)), "loss_mask": [1] * 17}, "sft", r":1: 17 tokens exceed"),
        ]
        for line, kind, message in cases:
            with self.subTest(message), self.assertRaisesRegex(ValueError, message):
                self.read([json.dumps(line)], kind)

    def test_tool_questions_check_every_stage_and_fit_the_longest_prompt(self):
        stage = {"prompt_ids": [1, 2], "answer": "<call>", "max_new_tokens": 30}
        line = {"tree_id": "a", "prompt_ids": [1], "answer": "x", "tool_stages": [stage]}
        self.assertEqual(len(self.read([json.dumps(line)], "eval_tools")), 1)
        cases = [
            ({**line, "tool_stages": []}, r":1: tool_stages must be a non-empty list"),
            ({**line, "tool_stages": [{**stage, "prompt_ids": [999]}]}, r":1: tool_stages\[0\]\.prompt_ids holds 999"),
            ({**line, "tool_stages": [{**stage, "answer": None}]}, r":1: tool_stages\[0\]\.answer must be a string"),
            ({**line, "tool_stages": [stage, {**stage, "max_new_tokens": 0}]}, r"tool_stages\[1\]\.max_new_tokens"),
            ({**line, "tool_stages": [{**stage, "prompt_ids": list(range(17))}]}, r":1: 17 tokens exceed"),
        ]
        for bad, message in cases:
            with self.subTest(message), self.assertRaisesRegex(ValueError, message):
                self.read([json.dumps(bad)], "eval_tools")

    def test_empty_file_is_an_error(self):
        with self.assertRaisesRegex(ValueError, r"sft\.train\.jsonl: no examples"):
            self.read([""])


class BatchesTest(unittest.TestCase):
    def test_same_seed_same_order_and_every_example_once_per_epoch(self):
        examples = list(range(10))
        first = batches(examples, 3, seed=5)
        epoch = [next(first) for _ in range(3)]
        again = batches(examples, 3, seed=5)
        self.assertEqual([next(again) for _ in range(3)], epoch)
        flat = [item for batch in epoch for item in batch]
        self.assertEqual(len(set(flat)), 9)
        self.assertNotEqual([next(first) for _ in range(3)], epoch)  # the next epoch is reshuffled

    def test_ranks_get_disjoint_shards_of_equal_size(self):
        examples = list(range(11))
        shards = [batches(examples, 2, seed=5, rank=rank, world_size=2) for rank in range(2)]
        seen = [[item for _ in range(2) for item in next(shard)] for shard in shards]
        self.assertEqual(len(seen[0]), len(seen[1]))
        self.assertFalse(set(seen[0]) & set(seen[1]))

    def test_length_grouping_batches_similar_lengths_and_still_covers_everything(self):
        rng = random.Random(0)
        examples = [{"tree_id": i, "input_ids": [1] * rng.randint(1, 100)} for i in range(320)]
        length = sequence_length("sft")

        def padded_width(stream) -> tuple[int, set]:
            width, seen = 0, set()
            for _ in range(20):  # one epoch
                batch = next(stream)
                width += len(batch) * max(map(length, batch))
                seen |= {example["tree_id"] for example in batch}
            return width, seen

        grouped_width, grouped_seen = padded_width(batches(examples, 16, seed=1, length=length))
        random_width, random_seen = padded_width(batches(examples, 16, seed=1))
        self.assertEqual(grouped_seen, random_seen)
        self.assertEqual(len(grouped_seen), 320)
        self.assertLess(grouped_width, 0.7 * random_width)
        first, again = batches(examples, 16, seed=1, length=length), batches(examples, 16, seed=1, length=length)
        self.assertEqual([next(first) for _ in range(30)], [next(again) for _ in range(30)])

    def test_too_few_examples_for_a_batch(self):
        with self.assertRaisesRegex(ValueError, "3 examples cannot fill a batch of 4"):
            next(batches([1, 2, 3], 4, seed=0))


if __name__ == "__main__":
    unittest.main()
