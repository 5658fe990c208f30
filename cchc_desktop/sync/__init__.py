"""Beyond the USB stick (issue #19), Qt-free: a synced folder shared by several installations, and a read-only
portfolio of many communes' packages. Both are built on the exchange's packages and merge rules."""
