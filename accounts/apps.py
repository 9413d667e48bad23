from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and workspaces"
    default = True  # this module holds two configs; "accounts" in INSTALLED_APPS means this one


class TwoFactorAdminConfig(admin_apps.AdminConfig):
    """Django's admin whose default site (`admin.site`, what every app registers with) refuses staff
    without a second factor: see accounts.admin_site."""

    default = False
    default_site = "accounts.admin_site.TwoFactorAdminSite"
