"""Where a host name leads, looked up once, and which of those addresses fmlint may connect to.

Records are written by many hands; a URL must not make fmlint reach into the network it
runs in (a router, a cloud metadata service, a database on localhost). Loopback, private,
link-local, site-local, multicast, reserved, unspecified and other non-public addresses are
refused before any connection, unless the settings allow them. The caller connects to the vetted
address itself, so a second lookup cannot lead elsewhere (DNS rebinding).
"""

from __future__ import annotations

import ipaddress
import socket

from .settings import Settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# (site-local: IPv6 fec0::/10, deprecated but still routed inside some networks)
_KINDS = ("unspecified", "loopback", "link-local", "site-local", "multicast", "private",
          "reserved")
_NO_NAME = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}


class AddressError(Exception):
    """No address to connect to: ``kind`` is "dns", "dns-temporary" or "blocked"."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def _embedded(ip: IPAddress) -> IPAddress:
    """The IPv4 address inside an IPv4-mapped or 6to4 IPv6 address, else the address."""
    if isinstance(ip, ipaddress.IPv6Address):
        return ip.ipv4_mapped or ip.sixtofour or ip
    return ip


def kind_of(ip: IPAddress) -> str | None:
    """Why an address is not public ("loopback", "private"...), or None for a public one."""
    ip = _embedded(ip)
    for kind in _KINDS:
        if getattr(ip, f"is_{kind.replace('-', '_')}", False):
            return kind
    return None if ip.is_global else "non-public"


def refusal(ip: IPAddress, settings: Settings) -> str | None:
    """The kind of a refused address, or None when fmlint may connect to it."""
    if any(ip in net or _embedded(ip) in net for net in settings.allow_addresses):
        return None
    kind = kind_of(ip)
    if kind is None or (settings.allow_private and kind not in ("unspecified", "multicast")):
        return None
    return kind


def literal(host: str) -> IPAddress | None:
    """The address a host written as an IP literal names, else None."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def addresses_for(host: str, port: int, settings: Settings) -> list[tuple[str, int]]:
    """(address, port) pairs fmlint may connect to for ``host:port``, in lookup order.

    A ``resolve`` setting for ``host:port`` replaces the lookup; an IP literal needs none.
    Raises AddressError when the name does not resolve or every address is refused.
    """
    override = settings.resolve.get(f"{host.lower()}:{port}")
    if override is not None:
        candidates = [override]
    elif literal(host) is not None:
        candidates = [(str(literal(host)), port)]
    else:
        try:
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                       proto=socket.IPPROTO_TCP)
        except socket.gaierror as err:
            if err.errno in _NO_NAME:
                raise AddressError("dns", f"the host {host} does not exist (no DNS record)"
                                   ) from None
            raise AddressError("dns-temporary", f"the host {host} could not be looked up: "
                               f"{err.strerror or err}") from None
        except (UnicodeError, OSError) as err:
            raise AddressError("dns-temporary", f"the host {host} could not be looked up: "
                               f"{err}") from None
        candidates = []
        for _family, _type, _proto, _name, sockaddr in found:
            pair = (str(sockaddr[0]).split("%", 1)[0], port)
            if pair not in candidates:
                candidates.append(pair)
    allowed: list[tuple[str, int]] = []
    refused: list[tuple[str, str]] = []
    for address, target_port in candidates:
        kind = refusal(ipaddress.ip_address(address), settings)
        if kind is None:
            allowed.append((address, target_port))
        else:
            refused.append((address, kind))
    if allowed:
        return allowed
    if not refused:
        raise AddressError("dns", f"the host {host} has no address")
    if literal(host) is not None and override is None:
        where = f"{host} is a {refused[0][1]} address"
    else:
        where = f"{host} is at " + ", ".join(f"{a} ({k})" for a, k in refused)
    raise AddressError("blocked", f"{where}, which fmlint does not connect to (see "
                       "network.allow-addresses)")
