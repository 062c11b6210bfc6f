"""Who is asking: the client's address (read through the configured trusted proxies only).

Behind a load balancer every request comes from the balancer's address; the balancer writes the
client's address into X-Forwarded-For. Anyone can send that header too, so it is believed only when
the request arrives from an address listed in JPO_TRUSTED_PROXIES, and only for the hops that those
proxies appended (read from the right, stopping at the first address that is not a trusted proxy).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_ip(request: Any) -> str:
    """The client's address: REMOTE_ADDR, or the nearest untrusted hop of X-Forwarded-For behind a trusted proxy."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    networks = _networks(tuple(settings.JPO_TRUSTED_PROXIES))
    if not networks or not _trusted(remote, networks):
        return remote
    client = remote
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        if not _valid(hop):
            break  # a malformed entry: believe nothing further left of it
        client = hop
        if not _trusted(hop, networks):
            break
    return client
