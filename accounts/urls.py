from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views
from accounts.forms import EmailAuthenticationForm

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=EmailAuthenticationForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
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
    path("workspaces/switch/", views.switch_workspace, name="workspace-switch"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/branding/", views.settings_branding, name="settings-branding"),
    path("brand/<slug:slug>/logo", views.brand_logo, name="brand-logo"),
    path("settings/invitations/", views.invitation_create, name="invitation-create"),
    path("settings/invitations/<int:invitation_pk>/revoke/", views.invitation_revoke, name="invitation-revoke"),
    path("settings/invitations/<int:invitation_pk>/resend/", views.invitation_resend, name="invitation-resend"),
    path("settings/members/<int:membership_pk>/role/", views.member_role, name="member-role"),
    path("settings/members/<int:membership_pk>/remove/", views.member_remove, name="member-remove"),
    path("settings/api-token/", views.api_token_rotate, name="api-token-rotate"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation-accept"),
]
