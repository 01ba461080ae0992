"""Writers: each turns a `Document` into the bytes of one format, and nothing more."""
