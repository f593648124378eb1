"""The admin with a second factor, switched on by SPA_ADMIN_REQUIRE_2FA (see spa/urls.py)."""

from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite


class LoginForm(OTPAdminAuthenticationForm):
    def _chosen_device(self, user):
        # django-otp asks staff to pick a device, which its login page only
        # offers after a first submit. With one confirmed device (the usual
        # case) there is nothing to pick: use it, and sign-in takes one submit.
        device = super()._chosen_device(user)
        if device is None and not self.cleaned_data.get("otp_device"):
            devices = list(devices_for_user(user, confirmed=True, for_verify=True))
            if len(devices) == 1:
                device = devices[0]
        return device


class TwoFactorAdminSite(OTPAdminSite):
    """Only staff verified by a confirmed OTP device (TOTP, added in admin) get in."""

    login_form = LoginForm
