"""The names the generated package's runtime modules export or define: what a spec's names must
not take, and what the generated modules import from the runtime."""

from __future__ import annotations

from collections.abc import Mapping

AMBIGUOUS = frozenset({"l", "I", "O"})  # pycodestyle E741/E742: names that look like 1 and 0
# the builtins a class name could hide (the generated modules raise and catch some of them), a
# fixed list so that every Python gives the same names
BUILTIN_CLASSES = frozenset(
    """ArithmeticError AssertionError AttributeError BaseException BaseExceptionGroup BlockingIOError
    BrokenPipeError BufferError BytesWarning ChildProcessError ConnectionAbortedError ConnectionError
    ConnectionRefusedError ConnectionResetError DeprecationWarning EOFError Ellipsis EncodingWarning
    EnvironmentError Exception ExceptionGroup FileExistsError FileNotFoundError FloatingPointError
    FutureWarning GeneratorExit IOError ImportError ImportWarning IndentationError IndexError
    InterruptedError IsADirectoryError KeyError KeyboardInterrupt LookupError MemoryError
    ModuleNotFoundError NameError NotADirectoryError NotImplemented NotImplementedError OSError
    OverflowError PendingDeprecationWarning PermissionError ProcessLookupError PythonFinalizationError
    RecursionError ReferenceError ResourceWarning RuntimeError RuntimeWarning StopAsyncIteration
    StopIteration SyntaxError SyntaxWarning SystemError SystemExit TabError TimeoutError
    UnboundLocalError UnicodeDecodeError UnicodeEncodeError UnicodeError UnicodeTranslateError
    UnicodeWarning UserWarning ValueError Warning ZeroDivisionError""".split()
)
# the per-status error classes, exported from the package's top level like the other errors
STATUS_ERRORS = (
    "BadGatewayError", "BadRequestError", "ClientClosedError", "ConflictError", "ForbiddenError",
    "GatewayTimeoutError", "InternalServerError", "InvalidRequestError", "NotFoundError",
    "RateLimitError", "ServiceUnavailableError", "UnauthorizedError", "UnprocessableEntityError",
)  # fmt: skip
# class names the generated modules import or define besides models, enums and API classes
CLASS_RESERVED = frozenset(
    {
        "Any", "ApiClient", "ApiConnectionError", "ApiError", "ApiResponse", "ApiResultError",
        "ApiStatusError", "ApiTimeoutError", "AsyncApi", "AsyncApiClient", "AsyncIterator", "Body",
        "ClientError", "Codec", "DecodeError", "DictOf", "Enum", "EnumOf", "Envelope", "Field", "File",
        "Iterator", "ListOf", "Literal", "Mapping", "Model", "ModelOf", "Operation", "Param", "REQUIRED",
        "RequestOptions", "Response", "ResponseDecodeError", "Sequence", "ServerError", "SyncApi",
        "TYPE_CHECKING", "UNSET", "UnionOf", "Unset", "ANY", "STR", "INT", "FLOAT", "BOOL", "OBJECT",
        "DATETIME", "DATE", "Pages", "Awaitable", "Callable", "Generic", "TypeVar",
    }
) | AMBIGUOUS | BUILTIN_CLASSES | frozenset(STATUS_ERRORS)  # fmt: skip
# what every API module imports from the transport (the rest only when an operation needs it)
TRANSPORT_NAMES = frozenset(
    {
        "Operation", "RequestOptions", "AsyncApi", "SyncApi", "async_method", "async_raw_method", "raw_method",
        "async_stream_method", "stream_method",
    }
)  # fmt: skip
# the runtime's public names, by the package module that exports them
RUNTIME_EXPORTS: Mapping[str, tuple[str, ...]] = {
    "._model": ("UNSET", "Unset"),
    "._transport": (
        "ApiResponse",
        "AsyncPage",
        "AsyncStreamedResponse",
        "Page",
        "RequestOptions",
        "StreamedResponse",
        "afirst_page",
        "first_page",
    ),
    ".client": ("ApiClient", "AsyncApiClient"),
    ".errors": (
        "ApiConnectionError",
        "ApiError",
        "ApiResultError",
        "ApiStatusError",
        "ApiTimeoutError",
        "ClientError",
        "DecodeError",
        "ResponseDecodeError",
        "ServerError",
        *STATUS_ERRORS,
    ),
}
