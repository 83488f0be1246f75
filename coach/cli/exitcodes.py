"""The exit codes of every coach command, in one place."""

import signal

#: Nothing to report.
OK = 0
#: The command ran and found something: a flag at or above --fail-on, a message to hold, a lint problem.
FINDINGS = 1
#: The user's input or invocation is wrong (a bad file, a bad option, a broken rule pack).
USAGE = 2
#: coach itself failed (a bug): the traceback is shown with --debug.
INTERNAL = 3
INTERRUPTED = 130
TERMINATED = 128 + signal.SIGTERM
