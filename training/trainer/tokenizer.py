"""What the trainer needs from a Hugging Face `tokenizer.json`: vocabulary size, special ids, decoding.

Encoding belongs to the datasets stage (TypeScript, the browser's own tokenizer library);
here we only turn generated ids back into text, which for byte-level vocabularies (GPT-2,
Qwen2, Llama 3 and our demo tokenizer) is a table lookup.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

END_OF_TURN = "<|im_end|>"


def byte_to_unicode() -> dict[int, str]:
    """GPT-2's printable stand-in character for each byte, the keys of byte-level vocabularies."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    table = {byte: chr(byte) for byte in printable}
    shifted = 0
    for byte in range(256):
        if byte not in table:
            table[byte] = chr(256 + shifted)
            shifted += 1
    return table


def _is_byte_level(decoder: dict | None) -> bool:
    if not decoder:
        return False
    if decoder.get("type") == "ByteLevel":
        return True
    return decoder.get("type") == "Sequence" and any(_is_byte_level(part) for part in decoder.get("decoders", []))


@dataclass(frozen=True)
class Tokenizer:
    vocab_size: int
    bos_id: int | None
    eos_id: int
    end_of_turn_id: int  # where generation stops: <|im_end|> when the vocabulary has it, else eos
    token_bytes: dict[int, bytes]
    special_ids: frozenset[int]

    @classmethod
    def load(cls, directory: Path) -> Tokenizer:
        path = Path(directory) / "tokenizer.json"
        try:
            spec = json.loads(path.read_text())
        except FileNotFoundError:
            raise FileNotFoundError(f"{path}: tokenizer not found") from None
        except json.JSONDecodeError as error:
            raise ValueError(f"{path}: not valid JSON ({error})") from None
        if not _is_byte_level(spec.get("decoder")):
            raise ValueError(f"{path}: only byte-level (ByteLevel decoder) vocabularies can be decoded")

        from_char = {char: byte for byte, char in byte_to_unicode().items()}
        token_bytes: dict[int, bytes] = {}
        for token, token_id in spec["model"]["vocab"].items():
            try:
                token_bytes[token_id] = bytes(from_char[char] for char in token)
            except KeyError:
                raise ValueError(f"{path}: vocabulary entry {token!r} is not byte-level") from None
        ids_by_content = {token: token_id for token, token_id in spec["model"]["vocab"].items()}
        special_ids = set()
        for added in spec.get("added_tokens", []):
            ids_by_content[added["content"]] = added["id"]
            if added.get("special"):
                special_ids.add(added["id"])
                token_bytes.pop(added["id"], None)
            else:
                token_bytes[added["id"]] = added["content"].encode()

        config_path = Path(directory) / "tokenizer_config.json"
        token_config = json.loads(config_path.read_text()) if config_path.exists() else {}

        def special(name: str) -> int | None:
            token = token_config.get(name)
            if isinstance(token, dict):
                token = token.get("content")
            if token is None:
                return None
            if token not in ids_by_content:
                raise ValueError(f"{config_path}: {name} {token!r} is not in the vocabulary of {path}")
            return ids_by_content[token]

        eos_id = special("eos_token")
        end_of_turn_id = ids_by_content.get(END_OF_TURN, eos_id)
        if end_of_turn_id is None:
            raise ValueError(f"{path}: no {END_OF_TURN} token and no eos_token in {config_path}")
        return cls(
            vocab_size=max(ids_by_content.values()) + 1,
            bos_id=special("bos_token"),
            eos_id=end_of_turn_id if eos_id is None else eos_id,
            end_of_turn_id=end_of_turn_id,
            token_bytes=token_bytes,
            special_ids=frozenset(special_ids),
        )

    def decode(self, ids: list[int]) -> str:
        """Text of `ids`, special tokens left out; invalid UTF-8 shows as U+FFFD."""
        return b"".join(self.token_bytes.get(i, b"") for i in ids if i not in self.special_ids).decode(
            "utf-8", errors="replace"
        )


def find_tokenizer_dir(data_dir: Path, fallback: Path) -> Path:
    """The tokenizer the datasets stage used (`tokenizer_dir` in its manifest), else `fallback`."""
    manifest_path = Path(data_dir) / "manifest.json"
    if manifest_path.exists():
        named = json.loads(manifest_path.read_text()).get("tokenizer_dir")
        if named:
            # Relative paths may be written from the repository root or from the data directory.
            for candidate in (Path(named), manifest_path.parent / named):
                if (candidate / "tokenizer.json").exists():
                    return candidate
            raise FileNotFoundError(f"{manifest_path}: tokenizer_dir {named!r} has no tokenizer.json")
    return Path(fallback)
