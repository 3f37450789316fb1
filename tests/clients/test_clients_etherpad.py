"""Etherpad SessionApi (6 operations) over real HTTP, sync and async."""

from __future__ import annotations

import json
import re

import etherpad_client as ep
import pytest
from etherpad_client import errors, models

PKG = "etherpad_client"
API = "SessionApi"
API_KEY = "etherpad-APIKEY-9f8e7d6c5b4a"
PREFIX = "/api/1.2.15"
GROUP = "g.s8oes9dhwrvt0zif"
AUTHOR = "a.s8oes9dhwrvt0zif"
SESSION = "s.s8oes9dhwrvt0zif"


def client_kw(server, **extra):
    return {"base_url": server.url + PREFIX, "api_key": API_KEY, **extra}


def call(flavor, server, method, *args, client_extra=None, **kwargs):
    return flavor.call(PKG, API, method, *args, client=client_kw(server, **(client_extra or {})), **kwargs)


def assert_plain_request(req, method, path, query):
    assert req.method == method
    assert req.path == PREFIX + path
    assert req.query == query
    assert req.headers["accept"] == "application/json"
    # the key goes in the query only, never in a header; no body, even for POST
    assert "authorization" not in req.headers and "apikey" not in req.headers
    assert req.body == b""
    assert "content-type" not in req.headers


# ---------------------------------------------------------------------------------- createSession


@pytest.mark.parametrize(
    ("method", "http"), [("create_session_using_get", "GET"), ("create_session_using_post", "POST")]
)
def test_create_session(server, flavor, method, http):
    server.reply(200, {"code": 0, "message": "ok", "data": {"sessionID": SESSION}})
    result = call(flavor, server, method, group_id=GROUP, author_id=AUTHOR, valid_until="1312201246")
    req = server.only_request()
    assert_plain_request(
        req, http, "/createSession", f"groupID={GROUP}&authorID={AUTHOR}&validUntil=1312201246&apikey={API_KEY}"
    )
    assert isinstance(result, models.CreateSessionUsingGET200Response)
    assert (result.code, result.message) == (0, "ok")
    assert isinstance(result.data, models.CreateSessionUsingGET200ResponseData)
    assert result.data.session_id == SESSION  # wire name sessionID


@pytest.mark.parametrize("method", ["create_session_using_get", "create_session_using_post"])
def test_create_session_parameter_error_arrives_with_http_200(server, flavor, method):
    """Etherpad answers code 1 (wrong parameters) with HTTP 200 and data null: the spec's
    x-error-envelope makes the client raise ApiResultError carrying code, message and body."""
    server.reply(200, {"code": 1, "message": "validUntil is in the past", "data": None})
    with pytest.raises(errors.ApiResultError) as info:
        call(flavor, server, method, group_id=GROUP, author_id=AUTHOR, valid_until="1")
    error = info.value
    assert (error.code, error.result_message, error.status) == (1, "validUntil is in the past", 200)
    assert "validUntil is in the past" in str(error)
    assert error.model.code == 1
    assert error.model.data is None
    assert json.loads(error.body) == {"code": 1, "message": "validUntil is in the past", "data": None}
    assert API_KEY not in str(error)


def test_api_key_is_the_only_query_without_parameters(server, flavor):
    server.reply(200, {"code": 0, "message": "ok", "data": {"sessionID": SESSION}})
    call(flavor, server, "create_session_using_get")
    assert server.only_request().query == f"apikey={API_KEY}"


def test_api_key_and_values_are_percent_encoded(server, flavor):
    server.reply(200, {"code": 0, "message": "ok", "data": None})
    flavor.call(
        PKG,
        API,
        "delete_session_using_get",
        session_id="s.1&x=2",
        client={"base_url": server.url + PREFIX, "api_key": "k&y=1 2"},
    )
    assert server.only_request().query == "sessionID=s.1%26x%3D2&apikey=k%26y%3D1%202"


# ---------------------------------------------------------------------------------- deleteSession


@pytest.mark.parametrize(
    ("method", "http"), [("delete_session_using_get", "GET"), ("delete_session_using_post", "POST")]
)
def test_delete_session(server, flavor, method, http):
    server.reply(200, {"code": 0, "message": "ok", "data": None})
    result = call(flavor, server, method, session_id=SESSION)
    req = server.only_request()
    assert_plain_request(req, http, "/deleteSession", f"sessionID={SESSION}&apikey={API_KEY}")
    assert isinstance(result, models.AppendChatMessageUsingGET200Response)
    assert result.code == 0
    assert result.data is None


@pytest.mark.parametrize("method", ["delete_session_using_get", "delete_session_using_post"])
def test_delete_session_absent_data_is_unset(server, flavor, method):
    server.reply(200, {"code": 0, "message": "ok"})
    result = call(flavor, server, method, session_id=SESSION)
    assert result.data is ep.UNSET
    assert "data" not in result


# --------------------------------------------------------------------------------- getSessionInfo


@pytest.mark.parametrize(
    ("method", "http"), [("get_session_info_using_get", "GET"), ("get_session_info_using_post", "POST")]
)
def test_get_session_info(server, flavor, method, http):
    server.reply(
        200, {"code": 0, "message": "ok", "data": {"authorID": AUTHOR, "groupID": GROUP, "validUntil": 1312201246}}
    )
    result = call(flavor, server, method, session_id=SESSION)
    req = server.only_request()
    assert_plain_request(req, http, "/getSessionInfo", f"sessionID={SESSION}&apikey={API_KEY}")
    assert isinstance(result, models.GetSessionInfoUsingGET200Response)
    assert isinstance(result.data, models.SessionInfo)
    assert (result.data.author_id, result.data.group_id, result.data.valid_until) == (AUTHOR, GROUP, 1312201246)


@pytest.mark.parametrize("method", ["get_session_info_using_get", "get_session_info_using_post"])
def test_get_session_info_unknown_session(server, flavor, method):
    server.reply(200, {"code": 1, "message": "sessionID does not exist", "data": None})
    with pytest.raises(errors.ApiResultError, match="sessionID does not exist") as info:
        call(flavor, server, method, session_id="s.nope")
    assert info.value.code == 1
    assert isinstance(info.value, errors.ApiError)
    assert not isinstance(info.value, errors.ApiStatusError)


def test_get_session_info_wrong_typed_field_is_a_lazy_decode_error(server, flavor):
    server.reply(200, {"code": 0, "message": "ok", "data": {"authorID": AUTHOR, "validUntil": "soon"}})
    result = call(flavor, server, "get_session_info_using_get", session_id=SESSION)
    assert result.data.author_id == AUTHOR
    with pytest.raises(
        errors.DecodeError, match=re.escape("SessionInfo.valid_until: expected integer, got string")
    ) as info:
        _ = result.data.valid_until
    assert not isinstance(info.value, errors.ResponseDecodeError)
    assert isinstance(info.value, ValueError)


# ----------------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("method", "kwargs", "status", "exc", "body"),
    [
        (
            "create_session_using_post",
            {"group_id": GROUP},
            401,
            errors.UnauthorizedError,
            {"code": 4, "message": "no or wrong API Key", "data": None},
        ),
        (
            "delete_session_using_post",
            {"session_id": SESSION},
            400,
            errors.BadRequestError,
            {"code": 1, "message": "sessionID is required", "data": None},
        ),
        (
            "get_session_info_using_post",
            {"session_id": SESSION},
            500,
            errors.InternalServerError,
            {"code": 2, "message": "internal error", "data": None},
        ),
    ],
    ids=["401", "400", "500"],
)
def test_error_status_raises_without_leaking_the_key(server, flavor, method, kwargs, status, exc, body):
    server.reply(status, body)
    with pytest.raises(exc) as info:
        call(flavor, server, method, **kwargs)
    err = info.value
    assert type(err) is exc
    assert err.status == status
    assert err.body == json.dumps(body).encode()  # raw body kept
    assert err.method == "POST"
    assert err.url == server.url + server.only_request().path  # without the query string
    assert "?" not in err.url
    for text in (str(err), repr(err), err.url, repr(err.args)):
        assert API_KEY not in text


@pytest.mark.parametrize(
    ("status", "exc", "code"),
    [(400, errors.BadRequestError, 1), (401, errors.UnauthorizedError, 4), (500, errors.InternalServerError, 2)],
)
def test_error_body_decodes_to_api_error_response(server, flavor, status, exc, code):
    """Regression (generator/normalize.py ``_response``): the 400/401/500 responses are ``$ref``s to
    components/responses and end up keyed "ApiError"/"Unauthorized"/"InternalError" instead of
    "400"/"401"/"500" in the generated Operation; with no ``default`` to fall back on, the
    documented ApiErrorResponse body is never decoded and ``model`` is None."""
    server.reply(status, {"code": code, "message": "no or wrong API Key", "data": None})
    with pytest.raises(exc) as info:
        call(flavor, server, "create_session_using_post")
    assert isinstance(info.value.model, models.ApiErrorResponse)
    assert info.value.model.code == code
    assert info.value.model.data is None


def test_error_with_undocumented_status_and_html_has_no_model(server, flavor):
    server.reply(404, body="<html>Cannot GET /api/1.2.15/createSession</html>", content_type="text/html")
    with pytest.raises(errors.NotFoundError) as info:
        call(flavor, server, "create_session_using_get")
    assert info.value.model is None
    assert b"Cannot GET" in info.value.body


def test_success_body_that_is_not_an_object_is_a_response_decode_error(server, flavor):
    server.reply(200, ["ok"])
    with pytest.raises(errors.ResponseDecodeError) as info:
        call(flavor, server, "delete_session_using_post", session_id=SESSION)
    assert info.value.status == 200
    assert "expected object, got array" in str(info.value)
    assert API_KEY not in str(info.value) and "?" not in info.value.url
