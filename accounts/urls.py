from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views
from accounts.password_reset import PasswordResetView
from accounts.two_factor import views as two_factor_views

urlpatterns = [
    path("", views.home, name="home"),
    # The password, then (for users with an authenticator) the code: see accounts.two_factor.views.
    path("accounts/login/", two_factor_views.TwoFactorLoginView.as_view(), name="login"),
    path("accounts/login/code/", two_factor_views.login_two_factor, name="login-two-factor"),
    path("accounts/two-factor/", two_factor_views.two_factor_home, name="two-factor"),
    path("accounts/two-factor/start/", two_factor_views.two_factor_start, name="two-factor-start"),
    path("accounts/two-factor/setup/", two_factor_views.two_factor_setup, name="two-factor-setup"),
    path(
        "accounts/two-factor/recovery-codes/",
        two_factor_views.two_factor_recovery_codes,
        name="two-factor-recovery-codes",
    ),
    path("accounts/two-factor/disable/", two_factor_views.two_factor_disable, name="two-factor-disable"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password-reset/", PasswordResetView.as_view(), name="password_reset"),  # throttled; SITE_URL links
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(template_name="accounts/password_reset_confirm.html"),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("setup/", views.first_run_setup, name="setup"),  # public only while no account exists, then 404
    path("workspaces/new/", views.workspace_create, name="workspace-create"),
    path("workspaces/switch/", views.switch_workspace, name="workspace-switch"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/branding/", views.settings_branding, name="settings-branding"),
    path("settings/two-factor/", two_factor_views.settings_two_factor, name="settings-two-factor"),
    path("brand/<slug:slug>/logo", views.brand_logo, name="brand-logo"),
    path("settings/invitations/", views.invitation_create, name="invitation-create"),
    path("settings/invitations/<int:invitation_pk>/revoke/", views.invitation_revoke, name="invitation-revoke"),
    path("settings/invitations/<int:invitation_pk>/resend/", views.invitation_resend, name="invitation-resend"),
    path("settings/members/<int:membership_pk>/role/", views.member_role, name="member-role"),
    path("settings/members/<int:membership_pk>/remove/", views.member_remove, name="member-remove"),
    path("settings/api-token/", views.api_token_rotate, name="api-token-rotate"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation-accept"),
]
