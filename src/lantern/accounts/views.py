"""Sign in, choose the agency and role to act as, second factor, sign out."""

from __future__ import annotations

import base64
import io
from typing import Any

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantern.accounts.actors import SESSION_KEY, active_memberships, actor_for_membership, client_ip
from lantern.core import audit
from lantern.core.events import Event


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit.record(
            None,
            Event.USER_SIGNED_IN,
            username=form.get_user().get_username(),
            object_id=form.get_user().pk,
            channel="web",
            detail={"ip": client_ip(self.request)},
        )
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        audit.record(
            None,
            Event.USER_SIGN_IN_FAILED,
            username=str(self.request.POST.get("username", ""))[:150],
            channel="web",
            detail={"ip": client_ip(self.request)},
        )
        return super().form_invalid(form)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit.record(
            None,
            Event.USER_SIGNED_OUT,
            username=request.user.get_username(),
            object_id=request.user.pk,
            channel="web",
        )
    from django.contrib.auth import logout as auth_logout

    auth_logout(request)
    messages.info(request, "You have signed out")
    return redirect("accounts:login")


@login_required
def choose_role(request: HttpRequest) -> HttpResponse:
    memberships = active_memberships(request.user)
    error = ""
    if request.method == "POST":
        chosen = next((m for m in memberships if str(m.pk) == request.POST.get("membership")), None)
        if chosen is None:
            error = "Select the agency and role you are working as"
        else:
            request.session[SESSION_KEY] = chosen.pk
            actor = actor_for_membership(chosen, ip_address=client_ip(request))
            audit.record(
                actor,
                Event.ROLE_CHOSEN,
                object_id=chosen.pk,
                detail={"acting_as": actor.describe()},
            )
            return redirect("home")
    return render(
        request,
        "accounts/choose_role.html",
        {"memberships": memberships, "error": error, "current": request.session.get(SESSION_KEY)},
    )


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code from your authenticator app",
        max_length=8,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode("utf-8").split("?>", 1)[-1]


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Verify a TOTP code; with no confirmed device yet, set one up first."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    setting_up = device is None
    if device is None:
        device, _ = TOTPDevice.objects.get_or_create(
            user=request.user, confirmed=False, defaults={"name": "Authenticator app"}
        )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            if setting_up:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit.record(
                None,
                Event.SECOND_FACTOR_CONFIRMED,
                username=request.user.get_username(),
                object_id=device.pk,
                channel="web",
            )
            return redirect("home")
        form.add_error("token", "That code is not right or has expired. Try the newest code")
    context: dict[str, Any] = {"form": form, "setting_up": setting_up}
    if setting_up:
        context["qr"] = mark_safe(_qr_svg(device.config_url))  # noqa: S308 - SVG we generated  # nosec: B703, B308
        context["secret"] = base64.b32encode(device.bin_key).decode("ascii")
    return render(request, "accounts/two_factor.html", context)
