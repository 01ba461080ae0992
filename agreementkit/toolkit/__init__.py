"""The library author's toolkit: what a legal team uses to keep its own clause library sound.

- `lint`: the static check of clauses and question files, every branch at once;
- `scenarios`: `agreementkit test`, approved renderings of answers files;
- `starter`: `library init`, a layer that passes lint and test from the start;
- `provenance`: `inspect`, what a document records about its making, and `--verify`.

Everything here sits above assembly and the writers and is imported only by
the CLI and by tests.
"""
