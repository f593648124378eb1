"""Staff sign-in: brute-force lockout (django-axes) and the optional second factor (django-otp)."""

import importlib
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import F
from django.test import Client
from django.urls import clear_url_caches, reverse
from django_otp.admin import OTPAdminSite
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

import spa.urls

pytestmark = pytest.mark.django_db

PASSWORD = "pw-olive-12345"


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_superuser("olive", "olive@example.com", PASSWORD)


def sign_in(client: Client, username: str = "olive", password: str = PASSWORD, **extra):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index"), **extra},
    )


def from_address(ip: str) -> Client:
    return Client(REMOTE_ADDR=ip)


def reaches_admin(client: Client) -> bool:
    return client.get(reverse("admin:index")).status_code == 200


# --- Lockout --------------------------------------------------------------------------


def lock_out(client: Client, username: str = "olive") -> None:
    for attempt in range(1, 6):
        response = sign_in(client, username, "wrong-password")
        assert response.status_code == (429 if attempt == 5 else 200), attempt


def test_five_bad_passwords_lock_that_username_from_that_address(staff):
    attacker = from_address("203.0.113.1")
    lock_out(attacker)

    response = sign_in(attacker)

    assert response.status_code == 429
    page = response.content.decode()
    assert "Sign-in paused" in page
    assert "30 minutes" in page
    assert not reaches_admin(attacker)
    assert AccessAttempt.objects.get().failures_since_start >= 5


def test_the_same_username_from_another_address_still_signs_in(staff):
    lock_out(from_address("203.0.113.1"))
    colleague = from_address("198.51.100.2")

    assert sign_in(colleague).status_code == 302
    assert reaches_admin(colleague)


def test_another_username_from_the_locked_address_still_signs_in(staff):
    get_user_model().objects.create_superuser("ana", "ana@example.com", "pw-ana-1234567")
    office = from_address("203.0.113.1")
    lock_out(office, "ana")

    assert sign_in(office).status_code == 302


def test_guessing_one_username_from_many_addresses_hits_a_ceiling(staff, settings):
    settings.SPA_ADMIN_USERNAME_CEILING = 8
    for i in range(8):
        assert sign_in(from_address(f"203.0.113.{i + 1}"), password="wrong").status_code == 200
    # Not even the right password, from a fresh address: the username rests for now.
    newcomer = from_address("198.51.100.9")
    assert sign_in(newcomer).status_code == 200
    assert not reaches_admin(newcomer)
    # Other staff are not affected.
    get_user_model().objects.create_superuser("ana", "ana@example.com", "pw-ana-1234567")
    assert sign_in(from_address("198.51.100.10"), "ana", "pw-ana-1234567").status_code == 302


def test_a_few_mistakes_stay_well_below_the_ceiling(staff):
    for i in range(4):
        sign_in(from_address(f"203.0.113.{i + 1}"), password="wrong")
    assert sign_in(from_address("198.51.100.9")).status_code == 302


def test_the_lock_lifts_after_the_cool_off(staff):
    client = from_address("203.0.113.1")
    lock_out(client)
    # Thirty-one minutes pass.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=31))

    assert sign_in(client).status_code == 302
    assert reaches_admin(client)


def test_a_successful_sign_in_resets_the_count(staff):
    client = from_address("203.0.113.1")
    for _ in range(4):
        sign_in(client, password="wrong-password")
    assert sign_in(client).status_code == 302
    client.logout()

    for _ in range(4):
        assert sign_in(client, password="wrong-password").status_code == 200
    assert sign_in(client).status_code == 302


def test_behind_a_proxy_the_forwarded_client_is_locked_not_the_proxy(staff, settings):
    settings.SPA_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    lock_out(Client(**proxy, HTTP_X_FORWARDED_FOR="203.0.113.1"))

    assert sign_in(Client(**proxy, HTTP_X_FORWARDED_FOR="198.51.100.2")).status_code == 302


# --- Second factor -------------------------------------------------------------------


@pytest.fixture
def two_factor_admin(settings):
    """SPA_ADMIN_REQUIRE_2FA=1, applied the way spa/urls.py applies it at start-up."""
    original = admin.site.__class__
    settings.SPA_ADMIN_REQUIRE_2FA = True
    importlib.reload(spa.urls)
    clear_url_caches()
    yield
    admin.site.__class__ = original
    settings.SPA_ADMIN_REQUIRE_2FA = False
    importlib.reload(spa.urls)
    clear_url_caches()


def token_for(device: TOTPDevice, offset: int = 0) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{(value + offset) % 10**device.digits:0{device.digits}d}"


def test_off_by_default(staff):
    assert not isinstance(admin.site, OTPAdminSite)
    client = Client()
    client.force_login(staff)

    assert reaches_admin(client)


def test_staff_set_up_a_device_from_the_admin(staff):
    client = Client()
    client.force_login(staff)
    device = TOTPDevice.objects.create(user=staff, name="Phone", confirmed=True)

    config = client.get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk]))
    qrcode = client.get(reverse("admin:otp_totp_totpdevice_qrcode", args=[device.pk]))

    assert config.status_code == 200
    assert "otpauth://totp/" in config.content.decode()
    assert qrcode.status_code == 200
    assert qrcode["Content-Type"] == "image/svg+xml"


def test_the_switch_makes_the_admin_an_otp_admin(two_factor_admin):
    assert isinstance(admin.site, OTPAdminSite)
    assert admin.site.name == "admin"  # URL names unchanged


def test_staff_without_a_device_cannot_reach_the_admin(staff, two_factor_admin):
    signed_in = Client()
    signed_in.force_login(staff)
    assert not reaches_admin(signed_in)

    client = Client()
    response = sign_in(client)

    assert response.status_code == 200
    assert not reaches_admin(client)


def test_staff_with_a_device_and_a_valid_code_get_in(staff, two_factor_admin):
    device = TOTPDevice.objects.create(user=staff, name="Phone", confirmed=True)
    client = Client()

    response = sign_in(client, otp_token=token_for(device))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert reaches_admin(client)


def test_with_two_devices_staff_pick_one(staff, two_factor_admin):
    phone = TOTPDevice.objects.create(user=staff, name="Phone", confirmed=True)
    TOTPDevice.objects.create(user=staff, name="Tablet", confirmed=True)
    client = Client()

    assert b"Please select a device" in sign_in(client, otp_token=token_for(phone)).content
    response = sign_in(client, otp_token=token_for(phone), otp_device=phone.persistent_id)

    assert response.status_code == 302
    assert reaches_admin(client)


def test_another_users_device_is_no_use(staff, two_factor_admin):
    other = get_user_model().objects.create_user("mallory", password="pw-mallory-12345")
    theirs = TOTPDevice.objects.create(user=other, name="Phone", confirmed=True)
    client = Client()

    sign_in(client, otp_token=token_for(theirs), otp_device=theirs.persistent_id)

    assert not reaches_admin(client)


def test_a_wrong_code_is_refused(staff, two_factor_admin):
    device = TOTPDevice.objects.create(user=staff, name="Phone", confirmed=True)
    client = Client()

    response = sign_in(client, otp_token=token_for(device, offset=500_000))

    assert response.status_code == 200
    assert not reaches_admin(client)


def test_an_unconfirmed_device_does_not_count(staff, two_factor_admin):
    device = TOTPDevice.objects.create(user=staff, name="Phone", confirmed=False)
    client = Client()

    sign_in(client, otp_token=token_for(device))

    assert not reaches_admin(client)


def test_the_login_page_asks_for_the_code_under_the_strict_policy(two_factor_admin):
    response = Client().get(reverse("admin:login"))

    assert response.status_code == 200
    assert b'name="otp_token"' in response.content
    assert "unsafe-inline" not in response["Content-Security-Policy"]
