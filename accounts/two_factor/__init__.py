"""Two-factor sign-in with an authenticator app (django-otp): setting it up, recovery codes, the code step after
the password, and turning it off."""
