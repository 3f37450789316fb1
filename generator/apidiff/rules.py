"""The Python-level change rules: the levels, the rule table and one change entry.

``RULES`` is the table documented in ``docs/change-report.md``; the comparison lives in ``operations.py``
and ``models.py`` of this package, the shared state in ``context.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import ir

# most severe first
LEVELS = ("breaking", "type-breaking", "behaviour", "added", "doc")

# id -> (level, what it means); the level of a few rules depends on where a model is used,
# those are marked "varies" here and decided in the code
RULES: dict[str, tuple[str, str]] = {
    "package-renamed": ("breaking", "the import name of the package changed"),
    "api-class-removed": ("breaking", "an API class no longer exists"),
    "api-class-added": ("added", "a new API class"),
    "method-removed": ("breaking", "an operation's method no longer exists"),
    "method-renamed": ("breaking", "the same operation is generated under a new method name"),
    "method-moved": ("breaking", "the same operation is generated on another API class"),
    "method-added": ("added", "a new method"),
    "method-endpoint-changed": ("behaviour", "the same method sends a different HTTP method or path"),
    "method-deprecated": ("doc", "the method is deprecated: calling it now emits a DeprecationWarning"),
    "method-undeprecated": ("doc", "the method is no longer deprecated"),
    "iterator-removed": ("breaking", "the iter_ method of a paging operation no longer exists"),
    "iterator-renamed": ("breaking", "the iter_ method has a new name"),
    "iterator-added": ("added", "a new iter_ method"),
    "parameter-removed": ("breaking", "a parameter no longer exists: calls passing it fail"),
    "parameter-renamed": ("breaking", "the same wire parameter has a new Python name"),
    "parameter-became-required": ("breaking", "an optional parameter became required (and positional)"),
    "parameter-became-optional": ("breaking", "a required parameter became optional, so keyword-only"),
    "required-parameter-added": ("breaking", "a new required parameter: existing calls fail"),
    "optional-parameter-added": ("added", "a new optional (keyword-only) parameter"),
    "parameter-position-changed": ("breaking", "the order of the required (positional) parameters changed"),
    "parameter-type-narrowed": ("type-breaking", "a parameter accepts fewer types"),
    "parameter-type-changed": ("type-breaking", "a parameter's type changed to one that is not wider"),
    "parameter-type-widened": ("added", "a parameter accepts more types"),
    "parameter-default-changed": ("behaviour", "a parameter's default changed"),
    "parameter-serialization-changed": ("behaviour", "a parameter is sent differently (location, style, explode)"),
    "parameter-deprecated": ("doc", "a parameter is deprecated"),
    "body-removed": ("breaking", "the request body parameter no longer exists"),
    "body-renamed": ("breaking", "the request body parameter has a new name"),
    "body-became-required": ("breaking", "the request body became required (and positional)"),
    "body-became-optional": ("breaking", "the request body became optional, so keyword-only"),
    "required-body-added": ("breaking", "a new required request body parameter"),
    "optional-body-added": ("added", "a new optional request body parameter"),
    "body-type-narrowed": ("type-breaking", "the request body accepts fewer types"),
    "body-type-changed": ("type-breaking", "the request body's type changed to one that is not wider"),
    "body-type-widened": ("added", "the request body accepts more types"),
    "body-media-type-changed": ("behaviour", "the request body is sent as another media type"),
    "return-type-widened": ("type-breaking", "the method may return types it did not before"),
    "return-type-changed": ("type-breaking", "the method's return type changed"),
    "return-type-narrowed": ("behaviour", "the method returns fewer types than before"),
    "credential-added": ("breaking", "the operation needs a credential it did not need before"),
    "credential-removed": ("breaking", "an ApiClient credential argument no longer exists"),
    "client-credential-added": ("added", "ApiClient accepts a new credential argument"),
    "base-url-changed": ("behaviour", "ApiClient's default base_url changed"),
    "base-url-became-required": ("breaking", "ApiClient now needs base_url"),
    "model-removed": ("breaking", "a model class no longer exists"),
    "model-renamed": ("breaking", "the same schema is generated under a new class name"),
    "model-added": ("added", "a new model class"),
    "model-base-changed": ("type-breaking", "a model's base class changed (isinstance checks change)"),
    "enum-removed": ("breaking", "an enum class no longer exists"),
    "enum-renamed": ("breaking", "the same schema is generated as an enum under a new name"),
    "enum-added": ("added", "a new enum class"),
    "enum-value-removed": ("breaking", "an enum member no longer exists"),
    "enum-value-renamed": ("breaking", "the same enum value has a new member name"),
    "enum-value-added": (
        "varies",
        "added where the enum is sent; doc where it is only read (unknown values decode to their plain value)",
    ),
    "alias-removed": ("breaking", "a type alias no longer exists"),
    "alias-type-changed": ("type-breaking", "a type alias means another type"),
    "field-removed": ("breaking", "a model attribute no longer exists"),
    "field-renamed": ("breaking", "the same wire property has a new attribute name"),
    "field-added": ("added", "a new model attribute"),
    "field-became-optional": (
        "varies",
        "type-breaking where the model is read (the attribute may be UNSET); added where it is only sent",
    ),
    "field-became-nullable": (
        "varies",
        "type-breaking where the model is read (the attribute may be None); added where it is only sent",
    ),
    "field-became-required": ("doc", "a response field is now always present"),
    "request-field-became-required": ("breaking", "constructing the model needs an argument it did not"),
    "field-type-changed": (
        "type-breaking",
        "a field is read as a wider or other type, or sent as a narrower or other one",
    ),
    "field-type-narrowed": ("doc", "a field of a model that is only read holds fewer types"),
    "field-type-widened": ("added", "a field of a model that is only sent accepts more types"),
}


@dataclass(frozen=True)
class ApiChange:
    """One change of the generated Python API. Strings from the spec are raw; printers escape them."""

    level: str  # one of LEVELS
    id: str  # a key of RULES
    api_class: str  # "" for a model or package entry
    method: str  # "" likewise
    python_name: str  # e.g. "ReposApi.repos_get_content(body)", "models.WorkflowSessionV3.status"
    operation_id: str
    http_method: str
    path: str
    subject: str  # wire name of the parameter, property path of the field, or the media type
    text: str
    old: str | None = None
    new: str | None = None
    model: str = ""  # the model (new name where it has one) a field or enum entry is about

    def sort_key(self) -> tuple[str, ...]:
        group = "0" if self.api_class else "1" if self.model else "2"  # operations, models, package
        return (group, self.api_class, self.method, self.model, self.python_name, self.id, self.text)


def operation_key(op: ir.Operation) -> str:
    """How a selection and an accepted-changes file name an operation."""
    return op.operation_id or f"{op.http_method} {op.path}"


def level_rank(level: str) -> int:
    """0 for the most severe level."""
    return LEVELS.index(level)
