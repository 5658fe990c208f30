"""Qt widgets and models over the cchc_desktop core."""
