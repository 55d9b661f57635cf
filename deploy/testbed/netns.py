"""Hosts made of Linux network namespaces on one bridge in the root namespace.

Each host ``NAME`` is a namespace ``xs<run>-NAME`` with a veth pair: ``eth0`` inside (its own
address) and the other end on the bridge, which also carries the root namespace's address (the
test or benchmark driving the hosts lives there). Traffic never leaves this machine: the subnet
is a /24 of 10.250.0.0/16 that no interface here uses yet, and nothing routes it anywhere.

Needs root and iproute2; :func:`missing` says what is absent instead of failing half-way.
"""
from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from dataclasses import dataclass, field


class NetnsUnavailable(RuntimeError):
    """This machine cannot make network namespaces (the message says what is missing)."""


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=check)


def missing() -> str | None:
    """Why namespaces cannot be made here, or None when they can (tries one and removes it)."""
    if os.geteuid() != 0:
        return "network namespaces need root (this process is not uid 0)"
    if shutil.which("ip") is None:
        return "the ip command (Debian package iproute2) is not installed"
    probe = f"xsprobe{secrets.token_hex(3)}"
    made = _ip("netns", "add", probe, check=False)
    if made.returncode != 0:
        return f"'ip netns add' failed: {made.stderr.strip() or made.returncode}"
    _ip("netns", "del", probe, check=False)
    return None


def _free_subnet() -> int:
    used = _ip("-4", "-o", "addr").stdout
    for third in range(100, 250):
        if f" 10.250.{third}." not in used:
            return third
    raise NetnsUnavailable("no free 10.250.x.0/24 subnet for the test hosts")


@dataclass
class Network:
    """A bridge in the root namespace plus hosts added with :meth:`add_host`."""

    run: str = field(default_factory=lambda: secrets.token_hex(2))
    third: int = field(default_factory=_free_subnet)
    hosts: dict[str, str] = field(default_factory=dict)  # name -> address

    def __post_init__(self) -> None:
        self.bridge = f"xs{self.run}br"
        _ip("link", "add", self.bridge, "type", "bridge")
        _ip("addr", "add", f"{self.gateway}/24", "dev", self.bridge)
        _ip("link", "set", self.bridge, "up")

    @property
    def gateway(self) -> str:
        """The root namespace's address on the bridge (where the driver's requests come from)."""
        return f"10.250.{self.third}.1"

    def namespace(self, host: str) -> str:
        return f"xs{self.run}-{host}"

    def add_host(self, host: str, number: int) -> str:
        """Namespace for ``host`` with address 10.250.<subnet>.<number>; returns the address."""
        namespace, outside = self.namespace(host), f"xs{self.run}{host}"[:15]
        address = f"10.250.{self.third}.{number}"
        _ip("netns", "add", namespace)
        self.hosts[host] = address
        _ip("link", "add", outside, "type", "veth", "peer", "name", "eth0", "netns", namespace)
        _ip("link", "set", outside, "master", self.bridge, "up")
        for args in (("addr", "add", f"{address}/24", "dev", "eth0"), ("link", "set", "eth0", "up"),
                     ("link", "set", "lo", "up")):
            _ip("-n", namespace, *args)
        return address

    def command(self, host: str, argv: list[str]) -> list[str]:
        """``argv`` run inside ``host``'s namespace."""
        return ["ip", "netns", "exec", self.namespace(host), *argv]

    def remove(self) -> None:
        """Every namespace and the bridge (their veth ends go with them). Safe to call twice."""
        for host in list(self.hosts):
            _ip("netns", "del", self.namespace(host), check=False)
            self.hosts.pop(host)
        _ip("link", "del", self.bridge, check=False)
