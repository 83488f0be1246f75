"""Exception classes whose messages tell the user what to fix."""


class CoachError(Exception):
    """Base class: every error a user can cause and act on."""


class RulePackError(CoachError):
    """A rule pack or the guideline catalogue is malformed."""

    def __init__(self, path: object, problem: str, rule: str | None = None, line: int | None = None):
        self.path = str(path)
        self.rule = rule
        self.line = line
        self.problem = problem
        where = self.path + (f":{line}" if line else "")
        who = f" rule {rule!r}:" if rule else ""
        super().__init__(f"{where}:{who} {problem}")


class InputError(CoachError):
    """A text to analyse could not be read."""


class NotRegularFileError(InputError):
    """A path names a named pipe, socket or device: reading it could wait for ever."""

    def __init__(self, name: str, kind: str):
        self.kind = kind
        super().__init__(f"{name}: not a regular file ({kind}); pipe its contents in with '-' instead")


class PolicyError(CoachError):
    """A house policy file is malformed."""


class UnknownLanguageError(CoachError):
    """A language other than the supported ones was asked for."""
