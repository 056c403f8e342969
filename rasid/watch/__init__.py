"""`rasid watch`: follow outlets' feeds, sitemaps and folders, politely, for days (see docs/WATCH.md)."""
