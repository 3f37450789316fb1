"""CONS3RT ClientApi (2 operations) over real HTTP, sync and async."""

from __future__ import annotations

import datetime as dt
import re

import cons3rt_client as c3
import pytest
from cons3rt_client import errors, models

PKG = "cons3rt_client"
API = "ClientApi"
TOKEN = "c0ffee00-1234-5678-9abc-def012345678"
USERNAME = "jdoe"
PREFIX = "/rest"

HOST = {
    "id": 501,
    "hostname": "rhel8-web",
    "fapStatus": "POWERED_ON",
    "VirtualizationRealmStatus": "RUNNING",
    "numCpus": 4,
    "ram": 8192,
    "systemRole": "web",
    "systemModuleType": "VirtualHost",
    "snapshotDate": "2020-01-20T15:04:05Z",
    "disks": [{"id": 1, "capacityInMegabytes": 102400, "bootDisk": True}],
    "networkInterfaces": [{"interfaceName": "eth0", "internalIpAddress": "10.0.0.5", "networkFunction": "CONS3RT"}],
    "installations": [
        {
            "subtype": "SoftwareInstallation",
            "id": 11,
            "assetName": "httpd",
            "status": "INSTALLED",
            "assetType": "APPLICATION",
            "rebootRequired": False,
        },
        {
            "subtype": "ContainerInstallation",
            "id": 12,
            "assetName": "redis",
            "status": "STARTED",
            "assetType": "DOCKER",
            "runArguments": "-p 6379:6379",
        },
        {"subtype": "FirmwareInstallation", "id": 13, "status": "PENDING"},
    ],
}
ACTIVE = {
    "type": "ActiveCompositionStatus",
    "id": 42,
    "name": "Web tier",
    "projectId": 7,
    "stoppable": True,
    "connectable": True,
    "startable": False,
    "deploymentRunId": 9001,
    "deploymentRunStatus": "RESERVED",
    "deploymentRunHost": [HOST],
}
INACTIVE = {
    "type": "InactiveCompositionStatus",
    "id": 43,
    "name": "Test tier",
    "projectId": 7,
    "startable": True,
    "scenarioHosts": [
        {
            "id": 1,
            "buildOrder": 1,
            "master": True,
            "systemRole": "db",
            "systemModule": {
                "subtype": "MinimalVirtualHost",
                "id": "sm-1",
                "name": "RHEL 8",
                "state": "CERTIFIED",
                "visibility": "COMMUNITY",
            },
            "configureScenarioConfiguration": {
                "configurationScriptType": "CONFIGURE_SCENARIO_HOST",
                "scriptName": "cfg.sh",
            },
        },
        {"id": 2, "systemModule": {"subtype": "MinimalAppliance", "id": "sm-2"}},
        {"id": 3, "systemModule": {"subtype": "MinimalDevice", "id": "sm-3"}},
        {"id": 4, "systemModule": {"subtype": "MinimalPhysicalHost", "id": "sm-4"}},
        {"id": 5, "systemModule": {"subtype": "MinimalQuantumHost", "id": "sm-5"}},
    ],
}


def client_kw(server, **extra):
    return {"base_url": server.url + PREFIX, "token": TOKEN, "username": USERNAME, **extra}


def call(flavor, server, method, *args, client=None, **kwargs):
    return flavor.call(PKG, API, method, *args, client=client or client_kw(server), **kwargs)


def assert_auth(req):
    assert req.headers["token"] == TOKEN
    assert req.headers["username"] == USERNAME
    assert req.header_count("token") == 1 and req.header_count("username") == 1
    assert "authorization" not in req.headers
    assert req.headers["accept"] == "application/json"


# -------------------------------------------------------------------------- list_composition_status


def test_list_composition_status_request_and_discriminators(server, flavor):
    server.reply(200, [ACTIVE, INACTIVE, {"type": "FrozenCompositionStatus", "id": 44, "frozenAt": 1}])
    statuses = call(flavor, server, "list_composition_status")
    req = server.only_request()
    assert (req.method, req.path, req.query) == ("GET", "/rest/api/client", "")
    assert_auth(req)
    assert req.body == b"" and "content-type" not in req.headers

    active, inactive, unknown = statuses
    assert type(active) is models.ActiveCompositionStatus
    assert type(inactive) is models.InactiveCompositionStatus
    # a discriminator value without a mapping: the base class, unknown fields kept
    assert type(unknown) is models.AbstractCompositionStatus
    assert unknown.type == "FrozenCompositionStatus"
    assert unknown.additional_properties == {"frozenAt": 1}

    assert (active.id, active.name, active.project_id, active.stoppable) == (42, "Web tier", 7, True)
    assert active.deployment_run_status is models.ActiveCompositionStatusDeploymentRunStatus.RESERVED
    assert active.deployment_run_id == 9001


def test_deployment_run_host_wire_names_and_installation_subtypes(server, flavor):
    server.reply(200, [ACTIVE])
    (active,) = call(flavor, server, "list_composition_status")
    host = active.deployment_run_host[0]
    assert isinstance(host, models.MinimalDeploymentRunHost)
    # wire name with a capital first letter
    assert host.virtualization_realm_status is models.MinimalDeploymentRunHostVirtualizationRealmStatus.RUNNING
    assert host["VirtualizationRealmStatus"] == "RUNNING"
    assert host.fap_status is models.MinimalDeploymentRunHostFapStatus.POWERED_ON
    assert host.system_module_type is models.MinimalDeploymentRunHostSystemModuleType.VIRTUAL_HOST
    assert host.snapshot_date == dt.datetime(2020, 1, 20, 15, 4, 5, tzinfo=dt.timezone.utc)
    assert (host.num_cpus, host.ram) == (4, 8192)
    assert isinstance(host.disks[0], models.Disk) and host.disks[0].capacity_in_megabytes == 102400
    nic = host.network_interfaces[0]
    assert nic.network_function is models.NetworkInterfaceNetworkFunction.CONS3_RT
    software, container, other = host.installations
    assert type(software) is models.SoftwareInstallation
    assert software.asset_type is models.SoftwareInstallationAssetType.APPLICATION
    assert software.status is models.AbstractInstallationStatus.INSTALLED
    assert software.reboot_required is False
    assert type(container) is models.ContainerInstallation
    assert container.asset_type is models.ContainerInstallationAssetType.DOCKER
    assert container.run_arguments == "-p 6379:6379"
    assert type(other) is models.AbstractInstallation
    assert other.subtype == "FirmwareInstallation"


def test_scenario_host_system_module_subtypes(server, flavor):
    server.reply(200, [INACTIVE])
    (inactive,) = call(flavor, server, "list_composition_status")
    hosts = inactive.scenario_hosts
    assert all(isinstance(h, models.MinimalScenarioHost) for h in hosts)
    assert [type(h.system_module) for h in hosts] == [
        models.MinimalVirtualHost,
        models.MinimalAppliance,
        models.MinimalDevice,
        models.MinimalPhysicalHost,
        models.MinimalSystemModule,
    ]
    first = hosts[0].system_module
    assert first.state is models.MinimalSystemModuleState.CERTIFIED
    assert first.visibility is models.MinimalSystemModuleVisibility.COMMUNITY
    assert hosts[0].master is True
    cfg = hosts[0].configure_scenario_configuration
    assert cfg.configuration_script_type is models.MinimalConfigurationConfigurationScriptType.CONFIGURE_SCENARIO_HOST
    assert hosts[0].teardown_scenario_configuration is c3.UNSET


def test_unknown_enum_values_decode_to_plain_strings(server, flavor):
    host = {
        **HOST,
        "VirtualizationRealmStatus": "HIBERNATING",
        "fapStatus": "TELEPORTING",
        "systemModuleType": "Satellite",
    }
    server.reply(200, [{**ACTIVE, "deploymentRunStatus": "REDEPLOYING_HOSTS", "deploymentRunHost": [host]}])
    (active,) = call(flavor, server, "list_composition_status")
    assert active.deployment_run_status == "REDEPLOYING_HOSTS"
    assert type(active.deployment_run_status) is str
    h = active.deployment_run_host[0]
    assert (h.virtualization_realm_status, h.fap_status, h.system_module_type) == (
        "HIBERNATING",
        "TELEPORTING",
        "Satellite",
    )
    assert type(h.virtualization_realm_status) is str
    assert active.to_dict()["deploymentRunHost"][0]["VirtualizationRealmStatus"] == "HIBERNATING"


def test_list_composition_status_empty_list(server, flavor):
    server.reply(200, [])
    assert call(flavor, server, "list_composition_status") == []


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        ('{"statuses": []}', "application/json", "expected array, got object"),
        ("[{]", "application/json", "not valid JSON"),
        ("<html><body>Login</body></html>", "text/html", "not valid JSON (text/html"),
        ("", "application/json", "not valid JSON"),
    ],
)
def test_surprising_success_body_is_a_response_decode_error(server, flavor, body, content_type, message):
    server.reply(200, body=body, content_type=content_type)
    with pytest.raises(errors.ResponseDecodeError, match=re.escape(message)) as info:
        call(flavor, server, "list_composition_status")
    assert info.value.status == 200
    assert info.value.body == body.encode()
    assert TOKEN not in str(info.value)


def test_list_item_of_wrong_type_is_a_response_decode_error(server, flavor):
    server.reply(200, [ACTIVE, "Inactive"])
    with pytest.raises(errors.ResponseDecodeError, match=r"list_composition_status response\[1\]: expected object"):
        call(flavor, server, "list_composition_status")


# ------------------------------------------------------------------------------- launch_composition


def test_launch_composition(server, flavor):
    server.reply(200, [9001, 9002])
    opts = models.CompositionLaunchOptions(username="admin", password="Launch!Pw1", time_to_live=3600)
    result = call(flavor, server, "launch_composition", "42", composition_launch_options=opts)
    req = server.only_request()
    assert (req.method, req.path, req.query) == ("POST", "/rest/api/client/42", "")
    assert_auth(req)
    assert req.headers["content-type"] == "application/json"
    assert req.json() == {"username": "admin", "password": "Launch!Pw1", "timeToLive": 3600}
    assert result == [9001, 9002]


def test_launch_composition_without_options_and_encoded_id(server, flavor):
    server.reply(200, [])
    assert call(flavor, server, "launch_composition", "42/../1 x") == []
    req = server.only_request()
    assert req.path == "/rest/api/client/42%2F..%2F1%20x"
    assert req.body == b""
    assert "content-type" not in req.headers


def test_launch_composition_non_integer_ids_are_a_response_decode_error(server, flavor):
    server.reply(200, [1, "two"])
    with pytest.raises(
        errors.ResponseDecodeError, match=r"launch_composition response\[1\]: expected integer, got string"
    ):
        call(flavor, server, "launch_composition", "42")


@pytest.mark.parametrize(
    ("status", "exc", "body"),
    [
        (400, errors.BadRequestError, b""),
        (404, errors.NotFoundError, b'{"message": "Composition not found"}'),
        (401, errors.UnauthorizedError, b"Unauthorized"),
        (418, errors.ClientError, b"teapot"),
    ],
)
def test_launch_composition_errors_have_no_model(server, flavor, status, exc, body):
    server.reply(status, body=body, content_type="application/json" if body.startswith(b"{") else None)
    opts = models.CompositionLaunchOptions(username="admin", password="Launch!Pw1")
    with pytest.raises(exc) as info:
        call(flavor, server, "launch_composition", "42", composition_launch_options=opts)
    err = info.value
    assert type(err) is exc
    assert (err.status, err.body, err.model) == (status, body, None)
    assert err.url == server.url + "/rest/api/client/42"
    for text in (str(err), repr(err)):
        assert TOKEN not in text and "Launch!Pw1" not in text


def test_both_credentials_are_required_together(server, flavor):
    """token and username form one security requirement: with one missing, neither is sent."""
    server.reply(401, body=b"")
    with pytest.raises(errors.UnauthorizedError):
        call(flavor, server, "list_composition_status", client={"base_url": server.url + PREFIX, "token": TOKEN})
    req = server.only_request()
    assert "token" not in req.headers and "username" not in req.headers
