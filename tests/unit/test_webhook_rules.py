"""Webhooks' pure rules: which addresses are refused, the signature and its check, the
backoff of retries."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from datetime import timedelta

import pytest

from app.core.errors import ValidationError
from app.domain.webhooks import (
    LONGEST_RETRY,
    MAX_ATTEMPTS,
    UrlRefusedError,
    check_addresses,
    gives_up,
    parse_target,
    refusal,
    retry_delay,
    signature,
    verify,
)

REFUSED = [
    "127.0.0.1",
    "127.1.2.3",
    "::1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "fe80::1",
    "fc00::1",
    "0.0.0.0",  # noqa: S104
    "::",
    "224.0.0.1",
    "ff02::1",
    "100.64.0.1",
    "240.0.0.1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "198.51.100.7",  # documentation range: not the public internet either
]


class TestAddresses:
    @pytest.mark.parametrize("text", REFUSED)
    def test_non_public_addresses_are_refused(self, text: str) -> None:
        assert refusal(ipaddress.ip_address(text), allow_loopback=False) is not None

    @pytest.mark.parametrize("text", ["93.184.216.34", "2606:4700::6810:84e5", "8.8.8.8"])
    def test_public_addresses_are_allowed(self, text: str) -> None:
        assert refusal(ipaddress.ip_address(text), allow_loopback=False) is None

    @pytest.mark.parametrize("text", ["127.0.0.1", "::1", "::ffff:127.0.0.1"])
    def test_the_setting_allows_loopback(self, text: str) -> None:
        assert refusal(ipaddress.ip_address(text), allow_loopback=True) is None

    @pytest.mark.parametrize("text", ["10.0.0.1", "169.254.169.254", "192.168.0.10"])
    def test_the_setting_allows_only_loopback(self, text: str) -> None:
        assert refusal(ipaddress.ip_address(text), allow_loopback=True) is not None

    def test_one_refused_address_refuses_the_host(self) -> None:
        found = [ipaddress.ip_address("93.184.216.34"), ipaddress.ip_address("10.0.0.1")]
        with pytest.raises(UrlRefusedError, match="private"):
            check_addresses("mixed.example", found, allow_loopback=False)

    def test_a_host_that_does_not_resolve_is_refused(self) -> None:
        with pytest.raises(UrlRefusedError, match="does not resolve"):
            check_addresses("nowhere.example", [], allow_loopback=False)


class TestUrls:
    def test_https_and_http_with_their_ports(self) -> None:
        assert parse_target("https://hooks.example.com/in") == ("https", "hooks.example.com", 443)
        assert parse_target("http://[::1]:8080/x") == ("http", "::1", 8080)

    @pytest.mark.parametrize("url", ["ftp://example.com/", "file:///etc/passwd", "gopher://x/"])
    def test_other_schemes_are_refused(self, url: str) -> None:
        with pytest.raises(UrlRefusedError):
            parse_target(url)

    @pytest.mark.parametrize(
        "url",
        [
            "",
            "https://",
            "https://user:pw@example.com/",
            "https://e.com/#x",
            "https://e.com:99999/",
        ],
    )
    def test_malformed_urls_are_invalid(self, url: str) -> None:
        with pytest.raises(ValidationError):
            parse_target(url)


class TestSignature:
    def test_is_hmac_sha256_over_the_timestamp_and_the_body(self) -> None:
        body = b'{"id":"evt_1"}'
        expected = hmac.new(b"s3cret", b"1700000000." + body, hashlib.sha256).hexdigest()
        assert signature("s3cret", 1_700_000_000, body) == f"t=1700000000,v1={expected}"

    def test_verifies_with_the_secret_only(self) -> None:
        header = signature("s3cret", 1_700_000_000, b"{}")
        assert verify("s3cret", header, b"{}", now=1_700_000_010)
        assert not verify("other", header, b"{}", now=1_700_000_010)
        assert not verify("s3cret", header, b"{ }", now=1_700_000_010)

    def test_an_old_timestamp_fails(self) -> None:
        header = signature("s3cret", 1_700_000_000, b"{}")
        assert not verify("s3cret", header, b"{}", now=1_700_000_000 + 301)

    @pytest.mark.parametrize("header", ["", "t=x,v1=00", "v1=00", "t=1700000000"])
    def test_malformed_headers_fail(self, header: str) -> None:
        assert not verify("s3cret", header, b"{}", now=1_700_000_000)


class TestRetries:
    def test_the_wait_doubles_from_30_seconds_to_6_hours(self) -> None:
        waits = [retry_delay(n, 0) for n in range(1, MAX_ATTEMPTS)]
        assert waits[:3] == [timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=120)]
        assert max(waits) == LONGEST_RETRY
        assert timedelta(hours=18) < sum(waits, timedelta()) < timedelta(hours=24)

    def test_jitter_spreads_by_a_fifth(self) -> None:
        assert retry_delay(1, 1) == timedelta(seconds=36)
        assert retry_delay(1, -1) == timedelta(seconds=24)

    def test_gives_up_after_the_last_attempt(self) -> None:
        assert not gives_up(MAX_ATTEMPTS - 1)
        assert gives_up(MAX_ATTEMPTS)
