"""The decisions the assembler (`components.assembly`) takes for each value, one module each.

In the order the assembler takes them: `result` (is it a result at all), `metric`,
`counts` and `change` (which metric: the governing cue, what a count counts, level or
change), `currency` (in which currency), `comparative`
(current or prior figure), `owner` (whose is it), `period` (which period) and `status`
(actual, forecast or target). `context` holds the records they pass along, `segments`
the units they read, `tokens` and `vocabulary` the token readings and word lists they
share. Each module takes spans of a parsed `Doc` and is testable on its own.
"""
