"""Dialogs of the main window: plan properties/picker, import preview, agency picker."""
