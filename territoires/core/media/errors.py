"""The one error every media check raises."""


class MediaError(ValueError):
    """A file or link refused; ``str(error)`` is a French message for the uploader."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
