import json
import tempfile
import unittest
from pathlib import Path

from training.trainer.tokenizer import Tokenizer, find_tokenizer_dir

from .fixtures import END_OF_TEXT, IM_END, IM_START, write_tokenizer


class TokenizerTest(unittest.TestCase):
    def setUp(self):
        self.directory = write_tokenizer(Path(self.enterContext(tempfile.TemporaryDirectory())) / "tokenizer")
        self.tokenizer = Tokenizer.load(self.directory)

    def test_sizes_and_special_ids(self):
        self.assertEqual(self.tokenizer.vocab_size, 259)
        self.assertEqual(
            (self.tokenizer.eos_id, self.tokenizer.end_of_turn_id, self.tokenizer.bos_id), (IM_END, IM_END, None)
        )

    def test_decodes_bytes_to_utf8_and_leaves_out_special_tokens(self):
        text = "Größe: 3 km → 1.9 mi 🙂"
        ids = [IM_START, *text.encode(), IM_END, END_OF_TEXT]
        self.assertEqual(self.tokenizer.decode(ids), text)
        self.assertEqual(self.tokenizer.decode([0xC3]), "\ufffd")  # a cut multi-byte character

    def test_only_byte_level_vocabularies(self):
        spec = json.loads((self.directory / "tokenizer.json").read_text())
        spec["decoder"] = {"type": "Metaspace", "replacement": "▁"}
        (self.directory / "tokenizer.json").write_text(json.dumps(spec))
        with self.assertRaisesRegex(ValueError, r"tokenizer\.json: only byte-level"):
            Tokenizer.load(self.directory)

    def test_the_data_manifest_names_the_tokenizer(self):
        data = Path(self.enterContext(tempfile.TemporaryDirectory()))
        fallback = Path("training/demo-tokenizer")
        self.assertEqual(find_tokenizer_dir(data, fallback), fallback)
        (data / "manifest.json").write_text(json.dumps({"tokenizer_dir": str(self.directory)}))
        self.assertEqual(find_tokenizer_dir(data, fallback), self.directory)
        (data / "manifest.json").write_text(json.dumps({"tokenizer_dir": "no/such/dir"}))
        with self.assertRaisesRegex(
            FileNotFoundError, r"manifest\.json: tokenizer_dir 'no/such/dir' has no tokenizer\.json"
        ):
            find_tokenizer_dir(data, fallback)


if __name__ == "__main__":
    unittest.main()
