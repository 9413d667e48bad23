"""`manage.py` commands of creators: importing a creator file from the command line."""
