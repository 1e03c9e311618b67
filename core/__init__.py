"""The shared kernel: code every app may use, which imports no app of ours.

The PII guard (`pii`), the sanitiser (`sanitise` and its template tags), e-mails and the
task that sends them (`emails`, `tasks`), text helpers (`text`), charts (`charts`), CSV
export (`csvexport`), page-tree helpers (`pagetree`), query helpers (`queries`), the
content blocks (`blocks`, `demo_blocks`), the panels other apps add to a page
(`dashboard`) and periodic jobs (`periodic`, with `runperiodic` in cop_site).
"""
