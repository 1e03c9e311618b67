"""The shared kernel: code every app may use, which imports no app of ours.

So far it holds the PII guard (`core.pii`). The rest of the kernel (sanitiser, e-mails,
tasks, text, charts, CSV export, page-tree helpers) still lives in `cop_site` and moves
here in turn.
"""
