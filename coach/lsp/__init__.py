"""``coach lsp``: the coach as a language server, so editors show its findings as diagnostics while you type."""
