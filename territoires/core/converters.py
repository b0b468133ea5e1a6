"""Path converters every app's addresses share."""


class CodeConverter:
    """An official code: INSEE (2A004), SIREN (200039857), a project's P12."""

    regex = r"[0-9A-Za-z]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
